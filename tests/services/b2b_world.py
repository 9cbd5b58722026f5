"""A store on B2B Edition for service tests: the memory world with companies, their buyers,
the company directory over the emulator's B2B Edition API, and the company index."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from ulid import ULID

from bc_subscriptions.adapters.bigcommerce.b2b_edition import HttpB2BEdition
from bc_subscriptions.adapters.bigcommerce.session import Session
from bc_subscriptions.adapters.memory import MemoryOpsEvents
from bc_subscriptions.adapters.memory.company_index import MemoryCompanySubscriptions
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.services.capture_from_order import CaptureResult, capture_from_order
from bc_subscriptions.services.company_directory import CompanyDirectory
from bc_subscriptions.services.enrollment import Enrollment, EnrollmentDeps, enroll
from bc_subscriptions.services.invoice_payments import record_invoice_paid
from bc_subscriptions.services.order_status import StatusChange, react
from bc_subscriptions.services.renewal_workflow import RenewalDeps

from ..emulator_store import PRODUCT_ID
from .world import APP_ID, BC_URL, MemoryWorld

ADDRESS = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "street_1": "1 Harbor Rd",
    "city": "Arlington",
    "state": "Virginia",
    "zip": "22201",
    "country": "United States",
    "country_iso2": "US",
    "email": "ap@acme.example",
}


@dataclass
class B2BWorld(MemoryWorld):
    directory: CompanyDirectory = field(init=False)
    ops: MemoryOpsEvents = field(default_factory=MemoryOpsEvents)

    @classmethod
    def on_b2b(cls, *, tenant: dict[str, Any] | None = None) -> B2BWorld:
        """A store with B2B Edition installed and the tenant setting that says so."""
        world = cls.create()
        world.emulator.enable_b2b(world.store_hash, default_payment_terms=30)
        with world.uow() as uow:
            uow.tenant_configs.put(world.store_hash, {"b2b": tenant or {}})
            uow.commit()
        return world

    @classmethod
    def create(cls, *, gateway_mode: str = "purchase") -> B2BWorld:
        world = super().create(gateway_mode=gateway_mode)
        assert isinstance(world, B2BWorld)
        emulator = world.emulator
        session = Session(
            transport=emulator.transport(),
            timeout=httpx.Timeout(5.0),
            sleep=lambda _s: None,
            max_attempts=3,
        )
        b2b = HttpB2BEdition(session, BC_URL, lambda s: str(emulator.stores[s].access_token))
        world.directory = CompanyDirectory(b2b, world.clock)
        return world

    @property
    def companies(self) -> MemoryCompanySubscriptions:
        return MemoryCompanySubscriptions(self.store)

    def company(self, name: str, parent: int | None = None, **kw: Any) -> int:
        return int(self.emulator.add_company(self.store_hash, name, parent_id=parent, **kw))

    def buyer(self, company_id: int, card: str | None = "ok") -> Any:
        customer = self.shopper(card)
        self.emulator.add_buyer(self.store_hash, company_id, customer.id)
        return customer

    def capture(self, order_id: int) -> CaptureResult:
        return capture_from_order(
            self.store_hash,
            order_id,
            uow=self.uow(),
            bc=self.bc,
            clock=self.clock,
            app_id=APP_ID,
            new_id=lambda: f"sub_{ULID()}",
            plans=self.plans,
            companies=self.directory,
        )

    def b2b_calls(self) -> list[tuple[str, str]]:
        return [call for call in self.emulator.calls if call[1].startswith("/api/v3/io/")]

    def deps(self, worker: str, *, uow: Any = None, bc: Any = None) -> RenewalDeps:
        deps = super().deps(worker, uow=uow, bc=bc)
        return RenewalDeps(deps.uow, deps.bc, deps.clock, deps.app_id, deps.worker_id, self.ops)

    def enrollment_deps(self) -> EnrollmentDeps:
        return EnrollmentDeps(
            uow=self.uow,
            bc=self.bc,
            companies=self.directory,
            plans=self.plans,
            clock=self.clock,
            new_id=lambda: f"sub_{ULID()}",
        )

    def enroll(self, customer_id: int, **overrides: Any) -> Subscription:
        """A support rep enrolls the buyer (on purchase order unless told otherwise)."""
        fields: dict[str, Any] = {
            "customer_id": customer_id,
            "product_id": PRODUCT_ID,
            "quantity": 4,
            "cadence": "Monthly",
            "payment": "purchase_order",
            "billing_address": ADDRESS,
            "shipping_address": {**ADDRESS, "shipping_method": "Freight"},
            "po_number": "PO-7781",
        }
        fields.update(overrides)
        return enroll(self.store_hash, Enrollment(**fields), self.enrollment_deps())

    def mark_paid(self, order_id: int) -> str:
        """The merchant marks the order paid in the control panel; statusUpdated is handled."""
        previous = int(self.emulator.stores[self.store_hash].orders[order_id]["status_id"])
        self.emulator.set_order_status(self.store_hash, order_id, 11)
        change = StatusChange(self.store_hash, order_id, previous, 11)
        return react(change, [record_invoice_paid(self.uow, self.bc, self.clock)])

    def payment_calls(self) -> list[tuple[str, str]]:
        return [c for c in self.emulator.calls if "/payments" in c[1] and "/api/v3/io/" not in c[1]]

    def event_data_types(self, type_: str) -> list[object]:
        """The `reason` of each of the store's events of this type."""
        found = [e for e in self.store.events(self.store_hash) if e.type == type_]
        return [json.loads(e.envelope)["data"].get("reason") for e in found]
