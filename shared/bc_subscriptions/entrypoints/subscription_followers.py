"""What follows a subscription's events from the table's stream: its entitlements (moved to a
new beneficiary on an actor event), then its plan's allotments (revoked once it has ended).
Each step is safe to repeat, so a record that fails at either is simply delivered again."""

from __future__ import annotations

from typing import Any, cast

from ..bootstrap import Container
from ..ports.storage import UnitOfWork
from ..services.entitlement_moves import follow_subscription
from ..services.plan_allotment_ending import end_plan_allotments


def follow_subscription_event(
    c: Container,
    store_hash: str,
    subscription_id: str,
    *,
    event_type: str,
    seq: int,
    data: dict[str, Any],
) -> str:
    """The entitlements' outcome (`followed`, `unchanged`, `ignored`). The allotments run
    even when the entitlements fail, so neither waits on the other's retries; the failure
    still fails the record."""
    try:
        return follow_subscription(
            c.entitlement_deps,
            store_hash,
            subscription_id,
            event_type=event_type,
            seq=seq,
            data=data,
        )
    finally:
        end_plan_allotments(
            store_hash,
            subscription_id,
            event_type=event_type,
            data=data,
            uow_factory=lambda: cast(UnitOfWork, c.unit_of_work()),
            deps=c.allotment_deps(),
        )
