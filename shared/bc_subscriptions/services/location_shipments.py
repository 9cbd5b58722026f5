"""A multi-location cycle's delivery, settled one location's order at a time.

Each location's order is heard of on its own (a shipment, or its status becoming Shipped,
Completed, Cancelled or Refunded); the cycle's delivery instance keeps what became of every
location, and `delivery.fulfilled` is recorded once, in the transaction that settles the last
location (see `domain.location_deliveries` for what counts as settled).

The subscription is saved (versioned) with every change of the delivery, so two locations'
webhooks racing on the same cycle conflict instead of one overwriting the other; the loser
reads again and tries once more. A repeated webhook, or one redelivered after a crash past the
commit, finds its location already settled and changes nothing.
"""

from __future__ import annotations

from ..domain import events as ev
from ..domain.delivery import DeliveryInstance, DeliveryStatus, charge_cycle_of
from ..domain.location_deliveries import (
    CycleDelivery,
    LocationState,
    cycle_delivery,
    last_shipped,
    with_location,
)
from ..ports.storage import ConcurrencyConflict
from .payment_actions import ActionDeps, RenewalCharge, renewal_charge

ATTEMPTS = 3


def settle_location(
    store_hash: str, order_id: int, state: LocationState, deps: ActionDeps
) -> str | None:
    """Record that a location's order shipped or was cancelled; None for any order that is not
    a location's renewal order. Raises `ConcurrencyConflict` if every attempt lost a race (the
    webhook is then delivered again)."""
    for attempt in range(ATTEMPTS):
        found = renewal_charge(deps.uow, store_hash, order_id)
        if found is None or found.charge.location_id is None:
            return None
        outcome = _stage(found, state, order_id, deps)
        if outcome == "delivery_unchanged":
            return outcome
        try:
            deps.uow.commit()
        except ConcurrencyConflict:
            deps.uow.rollback()
            if attempt == ATTEMPTS - 1:
                raise
            continue
        return outcome
    raise AssertionError("unreachable")


def _stage(found: RenewalCharge, state: LocationState, order_id: int, deps: ActionDeps) -> str:
    sub, charge = found.sub, found.charge
    assert charge.location_id is not None
    cycle_charge = deps.uow.charges.get(sub.store_hash, sub.id, charge.cycle, None)
    if cycle_charge is None or charge.location_id not in cycle_charge.location_ids:
        return "delivery_unchanged"
    expected = cycle_charge.location_ids
    delivery, is_new = _delivery(found, deps)
    now = deps.clock.now()
    locations = with_location(
        delivery.locations, expected, charge.location_id, state, order_id=order_id, now=now
    )
    if locations is None:
        return "delivery_unchanged"
    delivery.locations = locations
    outcome = f"location_{state.value}"
    match cycle_delivery(locations, expected):
        case CycleDelivery.FULFILLED if delivery.status != DeliveryStatus.FULFILLED:
            shipped = last_shipped(locations)
            delivery.status, delivery.order_id = DeliveryStatus.FULFILLED, shipped
            sub.record_payment_action(
                ev.DELIVERY_FULFILLED,
                cycle=charge.cycle,
                now=now,
                order_id=shipped,
                locations=[
                    {"location_id": lid, "state": loc.state.value, "order_id": loc.order_id}
                    for lid, loc in locations.items()
                ],
            )
            outcome = "delivery_fulfilled"
        case CycleDelivery.SKIPPED if delivery.status == DeliveryStatus.PENDING:
            delivery.status = DeliveryStatus.SKIPPED
            outcome = "delivery_skipped"
        case _:
            pass
    if is_new:
        deps.uow.deliveries.add(delivery)
    else:
        deps.uow.deliveries.save(delivery)
    deps.uow.subscriptions.save(sub)  # versioned: racing locations of this cycle conflict
    return outcome


def _delivery(found: RenewalCharge, deps: ActionDeps) -> tuple[DeliveryInstance, bool]:
    """The cycle's delivery instance; a new one when a location ships before the cycle has
    completed (another location still in dunning) and none was materialized yet."""
    sub, cycle = found.sub, found.charge.cycle
    existing = deps.uow.deliveries.between(sub.store_hash, sub.id, cycle, cycle)
    if existing:
        return existing[0], False
    new = DeliveryInstance(
        store_hash=sub.store_hash,
        subscription_id=sub.id,
        cycle=cycle,
        scheduled_for=sub.cycle_starts_at(cycle),
        charge_cycle=charge_cycle_of(cycle, sub.terms.billing_period_count),
    )
    return new, True
