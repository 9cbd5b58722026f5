"""Which locations of a multi-location cycle have shipped, and when the cycle's delivery is done.

Every location of a cycle has its own order; the cycle's delivery is fulfilled only once every
one of those orders is settled and at least one of them shipped. A location's order is settled
when it ships (a shipment, or its status reaching Shipped or Completed) or when it is
cancelled or refunded before shipping: a merchant who cancels one branch's order does not want
the cycle held open for it, but that branch did not get this cycle's delivery, so it is
recorded as cancelled, never as shipped. A cycle whose every location was cancelled is
skipped, not fulfilled. An order that shipped stays shipped (a refund after shipping does not
undo the shipment); a cancelled order that is shipped after all is recorded as shipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum

from .record import FrozenRecord


class LocationState(StrEnum):
    PENDING = "pending"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


class LocationDelivery(FrozenRecord, frozen=True, kw_only=True):
    """One location's order of a cycle and what became of it."""

    state: LocationState = LocationState.PENDING
    order_id: int | None = None
    settled_at: datetime | None = None


class CycleDelivery(StrEnum):
    """What the cycle's delivery is once its locations are known."""

    WAITING = "waiting"  # a location's order is neither shipped nor cancelled yet
    FULFILLED = "fulfilled"
    SKIPPED = "skipped"  # every location's order was cancelled before it shipped


def with_location(
    locations: Mapping[str, LocationDelivery],
    location_ids: Sequence[str],
    location_id: str,
    state: LocationState,
    *,
    order_id: int,
    now: datetime,
) -> dict[str, LocationDelivery] | None:
    """The cycle's locations with one location's order settled, every location of the cycle
    listed (pending until heard of); None when that changes nothing (a repeated shipment, a
    refund after shipping, a location the cycle does not ship to)."""
    if location_id not in location_ids or state == LocationState.PENDING:
        return None
    current = locations.get(location_id, LocationDelivery())
    if current.state == state or current.state == LocationState.SHIPPED:
        return None
    out = {lid: locations.get(lid, LocationDelivery()) for lid in location_ids}
    out[location_id] = LocationDelivery(state=state, order_id=order_id, settled_at=now)
    return out


def cycle_delivery(
    locations: Mapping[str, LocationDelivery], location_ids: Sequence[str]
) -> CycleDelivery:
    """Fulfilled once every location is settled and one shipped; skipped if none shipped."""
    states = [locations.get(lid, LocationDelivery()).state for lid in location_ids]
    if not states or LocationState.PENDING in states:
        return CycleDelivery.WAITING
    if LocationState.SHIPPED in states:
        return CycleDelivery.FULFILLED
    return CycleDelivery.SKIPPED


def last_shipped(locations: Mapping[str, LocationDelivery]) -> int | None:
    """The order of the location that shipped last (what a fulfilled cycle names as its order)."""
    last: tuple[datetime, int] | None = None
    for loc in locations.values():
        if loc.state != LocationState.SHIPPED or loc.order_id is None or loc.settled_at is None:
            continue
        if last is None or loc.settled_at >= last[0]:
            last = (loc.settled_at, loc.order_id)
    return last[1] if last else None
