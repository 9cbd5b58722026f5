"""A store on B2B Edition for service tests: the memory world with companies, their buyers,
the company directory over the emulator's B2B Edition API, and the company index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from ulid import ULID

from bc_subscriptions.adapters.bigcommerce.b2b_edition import HttpB2BEdition
from bc_subscriptions.adapters.bigcommerce.session import Session
from bc_subscriptions.adapters.memory.company_index import MemoryCompanySubscriptions
from bc_subscriptions.services.capture_from_order import CaptureResult, capture_from_order
from bc_subscriptions.services.company_directory import CompanyDirectory

from .world import APP_ID, BC_URL, MemoryWorld


@dataclass
class B2BWorld(MemoryWorld):
    directory: CompanyDirectory = field(init=False)

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
