"""A store with a plan and a shopper, for service tests: the services the topology would run,
called directly, on the in-memory unit of work and the emulator's in-process transport.

What stands in for the topology: a list for the RenewalQueue, worked in order by the renewal
workflow (a message that fails stays hidden past the scenario, as SQS's visibility timeout
hides it, and a later sweep sends its cycle again); the real sweep over the in-memory due
index; capture called as the order webhook's worker calls it. BigCommerce's own webhooks back
to the app are not delivered: the full-topology tests keep the scenarios that need them.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ulid import ULID

from bc_subscriptions.adapters.bigcommerce import HttpBigCommerce
from bc_subscriptions.adapters.clock import FixedClock
from bc_subscriptions.adapters.dynamodb import keys
from bc_subscriptions.adapters.memory import (
    MemoryDueSubscriptions,
    MemoryOpenAuthorizations,
    MemoryOpsEvents,
    MemoryPlanCache,
    MemoryStore,
    MemoryUnitOfWork,
)
from bc_subscriptions.domain.charge import Charge
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.plan_metafield import KEY, NAMESPACE
from bc_subscriptions.domain.record import from_json, to_json_data
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.ports.storage import UnitOfWork
from bc_subscriptions.services.auth_expiry_sweep import sweep_authorizations
from bc_subscriptions.services.capture_from_order import CaptureResult, capture_from_order
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.payment_actions import ActionDeps
from bc_subscriptions.services.plans import PlanCatalog
from bc_subscriptions.services.renewal_sweep import sweep_due_renewals
from bc_subscriptions.services.renewal_workflow import RenewalDeps, run_renewal
from devstack.bc_emulator import BigCommerceEmulator
from devstack.stack import CLIENT_ID, CLIENT_SECRET, PINNED_START

from ..emulator_store import ONE_TIME_PRODUCT_ID, PRODUCT_ID, EmulatorStore

_n = itertools.count(1)
PRICE = Decimal("25.00")
APP_ID = "0"  # the local stack's app id (the template's default)
BC_URL = "https://api.bigcommerce.test"


def _seal(store_hash: str, value: str) -> str:
    """Stands in for the store's KMS key: sealed values are never the plain ones."""
    return f"sealed:{store_hash}:{value[::-1]}"


@dataclass
class Queue:
    """The RenewalQueue: bodies in the order they were sent."""

    bodies: list[str] = field(default_factory=list)

    def send_batch(self, bodies: list[str]) -> int:
        self.bodies.extend(bodies)
        return len(bodies)


@dataclass
class MemoryWorld(EmulatorStore):
    store_hash: str
    clock: FixedClock
    emulator: Any
    store: MemoryStore
    bc: HttpBigCommerce
    plans: PlanCatalog
    queue: Queue
    outcomes: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, *, gateway_mode: str = "purchase") -> MemoryWorld:
        clock = FixedClock(PINNED_START)
        emulator = BigCommerceEmulator(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, clock=clock.now
        )
        store_hash = f"mstore{next(_n)}"
        emulator.create_store(
            store_hash, access_token=f"token-{store_hash}", gateway_mode=gateway_mode
        )
        bc = HttpBigCommerce(
            api_url=BC_URL,
            payments_url=BC_URL,
            token_provider=lambda s: str(emulator.stores[s].access_token),
            transport=emulator.transport(),
            sleep=lambda _seconds: None,
        )
        plans = PlanCatalog(
            cache=MemoryPlanCache(), bc=bc, ops=MemoryOpsEvents(), client_id=CLIENT_ID
        )
        world = cls(store_hash, clock, emulator, MemoryStore(), bc, plans, Queue())
        emulator.add_product(store_hash, product_id=PRODUCT_ID, name="Coffee beans", price=PRICE)
        emulator.add_product(
            store_hash, product_id=ONE_TIME_PRODUCT_ID, name="Mug", price=Decimal("12.00")
        )
        world.put_plan(
            Plan(
                product_id=PRODUCT_ID, cadences=[Cadence(label="Monthly", interval=Interval.MONTH)]
            )
        )
        return world

    # -- adapters ----------------------------------------------------------------------------
    def uow(self) -> UnitOfWork:
        return MemoryUnitOfWork(self.store, seal=_seal)

    def deps(self, worker: str, *, uow: Any = None, bc: Any = None) -> RenewalDeps:
        return RenewalDeps(
            uow=uow or self.uow(),
            bc=bc or self.bc,
            clock=self.clock,
            app_id=APP_ID,
            worker_id=worker,
        )

    def action_deps(self) -> ActionDeps:
        return ActionDeps(self.uow(), self.bc, self.clock)

    # -- the merchant and the shopper --------------------------------------------------------
    def put_plan(self, plan: Plan) -> None:
        value = json.dumps({k: v for k, v in to_json_data(plan).items() if k != "product_id"})
        self.emulator.set_product_metafield(self.store_hash, plan.product_id, NAMESPACE, KEY, value)

    def capture(self, order_id: int) -> CaptureResult:
        """What the order webhook's worker does with `store/order/created`."""
        return capture_from_order(
            self.store_hash,
            order_id,
            uow=self.uow(),
            bc=self.bc,
            clock=self.clock,
            app_id=APP_ID,
            new_id=lambda: f"sub_{ULID()}",
            plans=self.plans,
        )

    def subscribe(self, card: str | None = "ok") -> tuple[Any, dict[str, Any]]:
        """A shopper buys the subscription product; the order is captured."""
        customer = self.shopper(card)
        order = self.checkout(customer)
        assert self.capture(order["id"]).outcome == "created"
        return customer, order

    # -- time, sweeps and the renewal queue --------------------------------------------------
    def advance_clock(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def send(self, cmd: RenewSubscription) -> None:
        self.queue.send_batch([cmd.to_json()])

    def sweep(self) -> None:
        """RenewalSweepFunction: the real sweep over the in-memory due index."""
        due = MemoryDueSubscriptions(self.store, installed=[self.store_hash])
        sweep_due_renewals(self.clock.now(), due=due, queue=self.queue)

    def work(self) -> None:
        """RenewalWorkerFunction over every waiting message, in order."""
        while self.queue.bodies:
            cmd = RenewSubscription.from_json(self.queue.bodies.pop(0))
            try:
                self.outcomes.append(run_renewal(cmd, self.deps(f"worker-{next(_n)}")).outcome)
            except Exception as exc:  # the message fails; SQS hides it past the scenario
                self.outcomes.append(type(exc).__name__)

    def sweep_authorizations(self) -> None:
        """AuthExpirySweepFunction: the real sweep over the in-memory AuthExpiryIndex."""
        sweep_authorizations(
            self.clock.now(),
            index=MemoryOpenAuthorizations(self.store),
            deps=self.action_deps,
            time_left_ms=lambda: 60_000,
        )

    def renew(self, months: int = 1) -> None:
        self.advance_clock(timedelta(days=31 * months))
        self.sweep()
        self.work()

    def run_dunning_out(self) -> None:
        """The only subscription's card starts failing at the next renewal; dunning retries
        until it gives up."""
        [sub] = self.subscriptions()
        assert sub.payment_method is not None
        self.emulator.set_card_behavior(
            self.store_hash, sub.payment_method.instrument_token, "insufficient_funds"
        )
        self.renew()
        for _ in range(20):
            [sub] = self.subscriptions()
            if sub.status.value in ("paused", "cancelled"):
                return
            self.advance_clock(timedelta(days=2))
            self.sweep()
            self.work()
        raise AssertionError(f"dunning never gave up: {sub.status}")

    # -- what is stored ----------------------------------------------------------------------
    def subscriptions(self) -> list[Subscription]:
        rows = self.store.scan(keys.sub_pk(self.store_hash, ""), keys.META)
        return [from_json(Subscription, row.value) for _, row in rows]

    def charges(self) -> list[Charge]:
        rows = self.store.scan(keys.sub_pk(self.store_hash, ""), "CHARGE#")
        return [from_json(Charge, row.value) for _, row in rows]

    def event_types(self) -> list[str]:
        """The store's events in key order (per subscription, by sequence)."""
        events = self.store.events(self.store_hash)
        ordered = sorted(
            events,
            key=lambda e: keys.event_key(
                e.store_hash, e.subscription_id, e.endpoint_id, e.seq, e.grant_id
            ),
        )
        return [e.type for e in ordered]
