"""Stores for API tests: the real admin and portal handlers, called with API Gateway events,
on the in-memory container (storage in memory, BigCommerce the emulator in-process).

An `ApiStack` holds what stores share (the emulator, the records, the business clock); an
`ApiWorld` is one installed store with a plan, as `tests/integration/world.py`'s is. A
subscription is created by the capture the order webhook's worker runs; BigCommerce's
webhooks and the app shell's `/load` are not in play (the merchant's session token is minted
as `/load` mints it).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from ulid import ULID

from bc_subscriptions.adapters.bigcommerce import HttpBigCommerce
from bc_subscriptions.adapters.clock import FixedClock, SystemClock
from bc_subscriptions.adapters.dynamodb import keys
from bc_subscriptions.adapters.memory import (
    MemoryInstalls,
    MemoryOpsEvents,
    MemoryPlanCache,
    MemoryRemovedUsers,
    MemoryStore,
    MemoryUnitOfWork,
)
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.plan_metafield import KEY, NAMESPACE
from bc_subscriptions.domain.record import to_json_data
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.ports.storage import Install
from bc_subscriptions.services.admin_session import install_mark, mint_session_token
from bc_subscriptions.services.capture_from_order import capture_from_order
from bc_subscriptions.services.plans import PlanCatalog
from devstack import lambda_events as le
from devstack.bc_emulator import BigCommerceEmulator
from devstack.runtime import HttpResponse
from devstack.stack import CLIENT_ID, CLIENT_SECRET, PINNED_START

from ..emulator_store import ONE_TIME_PRODUCT_ID, PRODUCT_ID, EmulatorStore
from ..services.world import APP_ID, BC_URL, Queue, _seal

_stores = itertools.count(1)
PRICE = Decimal("25.00")
MERCHANT_USER_ID = 9001
_ROOT = Path(__file__).resolve().parents[2]
# The API Gateway routes of template.yaml: every path under the prefix goes to the function.
_FUNCTIONS = {"/admin/": "AdminApiFunction", "/portal/": "PortalApiFunction"}
_FILES = {
    "AdminApiFunction": _ROOT / "functions" / "admin_api" / "app.py",
    "PortalApiFunction": _ROOT / "functions" / "portal_api" / "app.py",
}
_modules: dict[str, ModuleType] = {}


def handler_module(function: str) -> ModuleType:
    """functions/<name>/app.py, imported once per process under its own name."""
    if function not in _modules:
        spec = importlib.util.spec_from_file_location(f"api_{function}", _FILES[function])
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _modules[function] = module
    return _modules[function]


@dataclass
class ApiStack:
    clock: FixedClock = field(default_factory=lambda: FixedClock(PINNED_START))
    store: MemoryStore = field(default_factory=MemoryStore)
    installs: MemoryInstalls = field(default_factory=MemoryInstalls)
    removed_users: MemoryRemovedUsers = field(default_factory=MemoryRemovedUsers)
    ops: MemoryOpsEvents = field(default_factory=MemoryOpsEvents)
    queue: Queue = field(default_factory=Queue)
    emulator: Any = None
    bc: HttpBigCommerce = field(init=False)
    plan_cache: MemoryPlanCache = field(init=False)
    plans: PlanCatalog = field(init=False)

    def __post_init__(self) -> None:
        self.emulator = BigCommerceEmulator(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, clock=self.clock.now
        )
        emulator = self.emulator
        self.bc = HttpBigCommerce(
            api_url=BC_URL,
            payments_url=BC_URL,
            token_provider=lambda s: str(emulator.stores[s].access_token),
            transport=emulator.transport(),
            sleep=lambda _seconds: None,
        )
        self.plan_cache = MemoryPlanCache(self.store)
        self.plans = PlanCatalog(
            cache=self.plan_cache, bc=self.bc, ops=self.ops, client_id=CLIENT_ID
        )

    def uow(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.store, seal=_seal)

    def now(self) -> datetime:
        return self.clock.now()

    def put_plan(self, store_hash: str, plan: Plan) -> None:
        """The merchant sets the product's plan metafield; capture reads it from there."""
        self.put_plan_json(
            store_hash,
            plan.product_id,
            json.dumps({k: v for k, v in to_json_data(plan).items() if k != "product_id"}),
        )

    def put_plan_json(self, store_hash: str, product_id: int, value: str) -> None:
        self.emulator.set_product_metafield(store_hash, product_id, NAMESPACE, KEY, value)

    def add_product(self, store_hash: str, product_id: int, name: str, price: str) -> None:
        self.emulator.add_product(
            store_hash, product_id=product_id, name=name, price=Decimal(price)
        )

    def http(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> HttpResponse:
        """What API Gateway hands the function serving `path`, and what it answers."""
        [(prefix, function)] = [(p, f) for p, f in _FUNCTIONS.items() if path.startswith(p)]
        route_key = f"ANY {prefix}{{proxy+}}"
        event = le.http_api_event(method.upper(), path, route_key, body, headers or {}, query)
        context = le.LambdaContext(function_name=function, timeout_s=29)
        reply = handler_module(function).handler(event, context)
        return HttpResponse(
            int(reply["statusCode"]), reply.get("headers") or {}, reply.get("body") or ""
        )


@dataclass
class ApiWorld(EmulatorStore):
    stack: ApiStack
    store_hash: str

    @classmethod
    def create(cls, stack: ApiStack) -> ApiWorld:
        """A store that installed the app, with the subscription product and its plan."""
        store_hash = f"apistore{next(_stores)}"
        token = f"token-{store_hash}"
        stack.emulator.create_store(store_hash, access_token=token, gateway_mode="purchase")
        install = Install(store_hash, "installed", _seal(store_hash, token), "sealed-secret")
        stack.installs.put(install, stack.now())
        stack.emulator.add_product(store_hash, product_id=PRODUCT_ID, name="Coffee", price=PRICE)
        stack.emulator.add_product(
            store_hash, product_id=ONE_TIME_PRODUCT_ID, name="Mug", price=Decimal("12.00")
        )
        monthly = Cadence(label="Monthly", interval=Interval.MONTH)
        stack.put_plan(store_hash, Plan(product_id=PRODUCT_ID, cadences=[monthly]))
        return cls(stack, store_hash)

    @property
    def emulator(self) -> Any:
        return self.stack.emulator

    def session_token(self) -> str:
        """The merchant's session token, as `/load` mints it for this install."""
        install = self.stack.installs.get(self.store_hash)
        assert install is not None
        return mint_session_token(
            self.store_hash,
            MERCHANT_USER_ID,
            client_secret=CLIENT_SECRET,
            now=SystemClock().now(),  # sessions are checked against real time
            install=install_mark(install),
        )

    def subscribe(self, card: str | None = "ok") -> tuple[Any, dict[str, Any]]:
        """A shopper buys the subscription product; the order is captured."""
        customer = self.shopper(card)
        lines = [{"product_id": PRODUCT_ID, "quantity": 2}]
        placed = self.emulator.place_checkout_order(
            self.store_hash, customer_id=customer.id, lines=lines
        )
        order = dict(placed)
        captured = capture_from_order(
            self.store_hash,
            order["id"],
            uow=self.stack.uow(),
            bc=self.stack.bc,
            clock=self.stack.clock,
            app_id=APP_ID,
            new_id=lambda: f"sub_{ULID()}",
            plans=self.stack.plans,
        )
        assert captured.outcome == "created"
        return customer, order

    def call(
        self,
        method: str,
        path: str,
        token: str | None,
        body: Any = None,
        query: dict[str, str] | None = None,
    ) -> HttpResponse:
        headers = {"content-type": "application/json"}
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        raw = b"" if body is None else json.dumps(body).encode()
        return self.stack.http(method, path, raw, headers, query)

    # -- what is stored ----------------------------------------------------------------------
    def records(self) -> list[tuple[tuple[str, str], Any, int | None]]:
        """Every record under the store's keys, with its lock version, in key order."""
        rows = self.stack.store.scan("")
        return [(k, row.value, row.version) for k, row in rows if self.store_hash in k[0]]

    def subscriptions(self) -> list[dict[str, Any]]:
        """The subscription records, as the API's detail reads them back."""
        rows = self.stack.store.scan(keys.sub_pk(self.store_hash, ""), keys.META)
        return [
            {"key": key, "doc": json.loads(row.value), "version": row.version} for key, row in rows
        ]

    def items(self, prefix: str = "SUB#") -> list[tuple[tuple[str, str], Any, int | None]]:
        """Every record of every store whose key starts so (events included), with its lock
        version: what a scan of the table would list."""
        rows = self.stack.store.scan(prefix)
        return [(key, row.value, row.version) for key, row in rows]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """The store's subscriptions or events with the attributes the tests read of the
        DynamoDB items (`subscription_id`, `customer_id`; `type`, `envelope`; `type`, `data`)."""
        if kind == "subscription":
            docs = [s["doc"] for s in self.subscriptions()]
            return [{"subscription_id": d["id"], "customer_id": d["customer_id"]} for d in docs]
        if kind == "event":
            events = self.stack.store.events(self.store_hash)
            return [{"type": e.type, "envelope": e.envelope} for e in events]
        if kind == "ops_event":
            return self.ops_events()
        raise ValueError(f"no records of kind {kind!r} here")

    def subscription_ids(self) -> list[str]:
        return sorted(s["doc"]["id"] for s in self.subscriptions())

    def event_types(self) -> list[str]:
        """The store's events in key order (per subscription, by sequence)."""
        events = self.stack.store.events(self.store_hash)
        ordered = sorted(
            events,
            key=lambda e: keys.event_key(
                e.store_hash, e.subscription_id, e.endpoint_id, e.seq, e.grant_id
            ),
        )
        return [e.type for e in ordered]

    def event_data(self, type_: str) -> dict[str, Any]:
        """The data of the store's last event of this type."""
        found = [e for e in self.stack.store.events(self.store_hash) if e.type == type_]
        return dict(json.loads(found[-1].envelope)["data"])

    def ops_events(self) -> list[dict[str, Any]]:
        """The store's ops events, their data as the DynamoDB adapter keeps it (JSON)."""
        return [
            {"type": e.type, "data": json.dumps(e.data, default=str)}
            for e in self.stack.ops.recorded
            if e.store_hash == self.store_hash
        ]
