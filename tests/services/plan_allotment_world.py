"""A store whose plan grants two allotments (a weekly count and a one-off wallet), for the tests
of a plan's grants ending with their subscription. The table's stream is stood in for by
feeding each new subscription event, in order, to what the entitlement worker runs for it."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bc_subscriptions.adapters.memory.allotments import MemoryAllotments
from bc_subscriptions.domain.allotments import (
    AllotmentGrant,
    AllotmentUnit,
    GrantedBy,
    PlanAllotment,
    RefreshCadence,
)
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.ports.allotment_storage import AllotmentRepository
from bc_subscriptions.services.allotments import AllotmentDeps, NewGrant, grant_allotment
from bc_subscriptions.services.plan_allotment_ending import end_plan_allotments
from bc_subscriptions.services.plan_allotments import grant_plan_allotments

from ..emulator_store import PRODUCT_ID
from .world import MemoryWorld

WEEKLY_COUNT = PlanAllotment(
    unit=AllotmentUnit.COUNT,
    amount_per_period=Decimal(4),
    cadence=RefreshCadence(interval=Interval.WEEK),
    reason="weekly classes",
)
WALLET = PlanAllotment(
    unit=AllotmentUnit.CURRENCY, currency_code="USD", amount_per_period=Decimal("50.00")
)


@dataclass
class PlanAllotmentWorld:
    world: MemoryWorld
    grants: MemoryAllotments
    fed: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def create(cls, *, final_action: str = "cancel") -> PlanAllotmentWorld:
        world = MemoryWorld.create()
        world.put_plan(
            Plan(
                product_id=PRODUCT_ID,
                cadences=[Cadence(label="Monthly", interval=Interval.MONTH)],
                allotments=(WEEKLY_COUNT, WALLET),
            )
        )
        with world.uow() as uow:
            uow.tenant_configs.put(world.store_hash, {"dunning": {"final_action": final_action}})
            uow.commit()
        return cls(world, MemoryAllotments(world.store))

    def deps(self, grants: AllotmentRepository | None = None) -> AllotmentDeps:
        return AllotmentDeps(
            grants=grants or self.grants,
            clock=self.world.clock,
            new_id=lambda prefix: f"{prefix}_{next(self._ids):05d}",
            custom_fields=lambda _: [],  # the store defines no custom fields
        )

    # -- the shopper and the merchant -----------------------------------------------------------
    def join(self, card: str = "ok") -> tuple[int, str]:
        """A shopper subscribes and the capture grants the plan's allotments: (customer, sub)."""
        customer, _ = self.world.subscribe(card)
        [sub] = self.world.subscriptions()
        granted = grant_plan_allotments(
            self.world.store_hash,
            (sub.id,),
            uow_factory=self.world.uow,
            plans=self.world.plans,
            deps=self.deps(),
        )
        assert granted == 2
        return int(customer.id), sub.id

    def hand_grant(self, customer_id: int) -> str:
        """The merchant grants the same customer a weekly allotment of their own."""
        request = NewGrant(
            customer_id=customer_id,
            unit=AllotmentUnit.COUNT,
            amount_per_period=Decimal(1),
            granted_by=GrantedBy(kind="merchant", id="7"),
            cadence=RefreshCadence(interval=Interval.WEEK),
            reason="goodwill",
        )
        return grant_allotment(self.world.store_hash, request, deps=self.deps(), bc=None).id

    def change(self, subscription_id: str, act: Callable[[Subscription], None]) -> None:
        """A change of the subscription through its own methods, with its events."""
        with self.world.uow() as uow:
            sub = uow.subscriptions.get(self.world.store_hash, subscription_id)
            assert sub is not None
            act(sub)
            uow.subscriptions.save(sub)
            uow.commit()

    def run_dunning_out(self) -> None:
        """The card starts failing at the next renewal; dunning retries until it gives up."""
        self.world.run_dunning_out()

    # -- the stream -----------------------------------------------------------------------------
    def stream(self, *, replay: bool = False, deps: AllotmentDeps | None = None) -> list[int]:
        """Each subscription event not fed yet (every one with `replay`); grants revoked each."""
        revoked = []
        for event in sorted(
            self.world.store.events(self.world.store_hash),
            key=lambda e: (e.subscription_id or "", e.seq),
        ):
            if event.subscription_id is None or (event.event_id in self.fed and not replay):
                continue
            revoked.append(
                end_plan_allotments(
                    event.store_hash,
                    event.subscription_id,
                    event_type=event.type,
                    data=json.loads(event.envelope)["data"],
                    uow_factory=self.world.uow,
                    deps=deps or self.deps(),
                )
            )
            self.fed.add(event.event_id)  # fed once it returned, as a stream checkpoints
        return revoked

    # -- what is stored -------------------------------------------------------------------------
    def grant(self, grant_id: str) -> AllotmentGrant:
        record = self.grants.get(self.world.store_hash, grant_id)
        assert record is not None
        return record.grant

    def plan_grant_ids(self, subscription_id: str) -> list[str]:
        return [f"alg_{subscription_id}_{PRODUCT_ID}_{i}" for i in (0, 1)]

    def allotment_events(self, type_: str) -> list[dict[str, Any]]:
        """The data of the store's allotment events of one type, in the order written."""
        return [
            json.loads(e.envelope)["data"]
            for e in self.world.store.events(self.world.store_hash)
            if e.grant_id is not None and e.type == type_
        ]
