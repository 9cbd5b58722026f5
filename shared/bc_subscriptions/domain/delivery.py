"""Deliveries: what a cycle ships, separate from what it charges (prepaid: N deliveries : 1 charge).

A prepaid plan (`billing_period_count` = N) charges on cycles 1, N+1, 2N+1, ...; the cycles in
between are covered by that charge and get a zero-priced fulfilment order instead of a payment.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import msgspec

from .location_deliveries import LocationDelivery
from .record import Record

if TYPE_CHECKING:
    from .subscription import Subscription

# Instances exist for the current cycle and this many after it.
MATERIALIZED_AHEAD = 2


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    FULFILLED = "fulfilled"
    SKIPPED = "skipped"
    FAILED = "failed"
    RESCHEDULED = "rescheduled"


class DeliveryInstance(Record, kw_only=True):
    store_hash: str
    subscription_id: str
    cycle: int
    scheduled_for: datetime
    # The cycle whose charge paid for this delivery.
    charge_cycle: int
    status: DeliveryStatus = DeliveryStatus.PENDING
    order_id: int | None = None
    # A multi-location cycle's orders by location id, once one of them shipped or was
    # cancelled; empty for a single-order cycle (and on records older than locations).
    locations: dict[str, LocationDelivery] = msgspec.field(default_factory=dict)


def charge_cycle_of(cycle: int, billing_period_count: int) -> int:
    """The cycle whose payment covers `cycle`."""
    return cycle - (cycle - 1) % billing_period_count


def is_charge_cycle(cycle: int, billing_period_count: int) -> bool:
    return charge_cycle_of(cycle, billing_period_count) == cycle


def deliveries_from(sub: Subscription, cycle: int) -> list[DeliveryInstance]:
    """The delivery instances of `cycle` and the ones materialized ahead of it."""
    n = sub.terms.billing_period_count
    return [
        DeliveryInstance(
            store_hash=sub.store_hash,
            subscription_id=sub.id,
            cycle=c,
            scheduled_for=sub.cycle_starts_at(c),
            charge_cycle=charge_cycle_of(c, n),
        )
        for c in range(cycle, cycle + MATERIALIZED_AHEAD + 1)
    ]
