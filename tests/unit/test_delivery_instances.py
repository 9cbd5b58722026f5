"""The delivery instances a cycle materializes: its own and the ones ahead, each scheduled at
its cycle's start and covered by the charge of its billing period."""

from __future__ import annotations

from datetime import UTC, datetime

from bc_subscriptions.domain.delivery import (
    MATERIALIZED_AHEAD,
    DeliveryInstance,
    DeliveryStatus,
    deliveries_from,
)
from bc_subscriptions.domain.plan import PlanTerms

from .factories import subscription


def test_a_cycle_materializes_itself_and_the_cycles_ahead_on_their_dates() -> None:
    # Given a monthly subscription prepaid three deliveries at a time
    sub = subscription(terms=PlanTerms(billing_period_count=3))
    # When cycle 3's deliveries are materialized
    wanted = deliveries_from(sub, 3)
    # Then cycles 3 to 5 are pending, each covered by the charge of its period (1, then 4)
    assert len(wanted) == MATERIALIZED_AHEAD + 1
    assert wanted == [
        DeliveryInstance(
            store_hash="store1",
            subscription_id=sub.id,
            cycle=cycle,
            scheduled_for=starts,
            charge_cycle=charge_cycle,
        )
        for cycle, starts, charge_cycle in [
            (3, datetime(2026, 3, 31, 12, 0, tzinfo=UTC), 1),
            (4, datetime(2026, 4, 30, 12, 0, tzinfo=UTC), 4),
            (5, datetime(2026, 5, 31, 12, 0, tzinfo=UTC), 4),
        ]
    ]
    assert {d.status for d in wanted} == {DeliveryStatus.PENDING}
    assert all(d.order_id is None for d in wanted)
