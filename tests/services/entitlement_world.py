"""A membership store for entitlement tests: a plan granting a customer group, a shopper in
their own group, and the table's stream stood in for by feeding each new subscription event
to the entitlement consumer in order."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bc_subscriptions.adapters.bigcommerce.customer_groups import BigCommerceCustomerGroups
from bc_subscriptions.adapters.memory import MemoryOpsEvents
from bc_subscriptions.adapters.memory.entitlements import (
    MemoryEntitlements,
    MemoryEntitlementWork,
)
from bc_subscriptions.domain.entitlements import Entitlement, GroupLedger, PlanEntitlement
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.ports.storage import UnitOfWork
from bc_subscriptions.services.entitlement_moves import follow_subscription
from bc_subscriptions.services.entitlement_sync import EntitlementDeps, SweepResult, sweep_store
from devstack.bc_emulator import customer_groups

from ..emulator_store import PRODUCT_ID
from .world import MemoryWorld


def _repo(uow: UnitOfWork) -> MemoryEntitlements:
    return MemoryEntitlements(uow)


@dataclass
class MembershipWorld:
    """`world` with a Members group the plan grants and a Retail group shoppers start in."""

    world: MemoryWorld
    members: int
    retail: int
    ops: MemoryOpsEvents = field(default_factory=MemoryOpsEvents)
    provider: Any = None
    fed: set[str] = field(default_factory=set)

    @classmethod
    def create(cls, *, cancel_grace_days: int = 0, final_action: str = "pause") -> MembershipWorld:
        world = MemoryWorld.create()
        members = customer_groups.add_group(world.emulator, world.store_hash, "Members")
        retail = customer_groups.add_group(world.emulator, world.store_hash, "Retail")
        world.put_plan(
            Plan(
                product_id=PRODUCT_ID,
                cadences=[Cadence(label="Monthly", interval=Interval.MONTH)],
                entitlements=(PlanEntitlement(key="members", customer_group_id=members),),
                cancel_grace_days=cancel_grace_days,
            )
        )
        with world.uow() as uow:
            uow.tenant_configs.put(world.store_hash, {"dunning": {"final_action": final_action}})
            uow.commit()
        made = cls(world, members, retail)
        made.provider = BigCommerceCustomerGroups(world.bc.rest)
        return made

    # -- the consumer and the sweep -------------------------------------------------------------
    def deps(self, *, provider: Any = None, uow: Any = None) -> EntitlementDeps:
        return EntitlementDeps(
            uow=uow or self.world.uow,
            repo=_repo,
            work=MemoryEntitlementWork(self.world.store),
            provider=provider or self.provider,
            plans=self.world.plans,
            ops=self.ops,
            clock=self.world.clock,
        )

    def stream(self, *, deps: EntitlementDeps | None = None, replay: bool = False) -> list[str]:
        """Each subscription event not fed yet (every one with `replay`), in sequence order."""
        outcomes = []
        for event in sorted(
            self.world.store.events(self.world.store_hash),
            key=lambda e: (e.subscription_id or "", e.seq),
        ):
            if event.subscription_id is None or (event.event_id in self.fed and not replay):
                continue
            self.fed.add(event.event_id)
            outcomes.append(
                follow_subscription(
                    deps or self.deps(),
                    event.store_hash,
                    event.subscription_id,
                    event_type=event.type,
                    seq=event.seq,
                    data=json.loads(event.envelope)["data"],
                )
            )
        return outcomes

    def sweep(self, *, deps: EntitlementDeps | None = None) -> SweepResult:
        return sweep_store(deps or self.deps(), self.world.store_hash)

    # -- the shopper's story --------------------------------------------------------------------
    def join(self, card: str = "ok") -> int:
        """A shopper in the Retail group buys the membership; returns their customer id."""
        customer = self.world.shopper(card)
        customer_groups.move_by_hand(
            self.world.emulator, self.world.store_hash, customer.id, self.retail
        )
        order = self.world.checkout(customer)
        assert self.world.capture(order["id"]).outcome == "created"
        return int(customer.id)

    def run_dunning_out(self, customer_id: int) -> None:
        """Their card starts failing at the next renewal; dunning retries until it gives up."""
        self.world.run_dunning_out()

    # -- what BigCommerce and our records hold ------------------------------------------------
    def group_of(self, customer_id: int) -> int:
        return customer_groups.group_of(self.world.emulator, self.world.store_hash, customer_id)

    def entitlements(self) -> list[Entitlement]:
        [sub] = self.world.subscriptions()
        with self.world.uow() as uow:
            return MemoryEntitlements(uow).for_subscription(self.world.store_hash, sub.id)

    def ledger(self, customer_id: int) -> GroupLedger | None:
        with self.world.uow() as uow:
            return MemoryEntitlements(uow).ledger(self.world.store_hash, customer_id)

    def entitlement_events(self) -> list[str]:
        return [t for t in self.world.event_types() if t.startswith("entitlement.")]

    def group_puts(self) -> int:
        return sum(
            1 for m, p in self.world.emulator.calls if m == "PUT" and p.endswith("/v3/customers")
        )
