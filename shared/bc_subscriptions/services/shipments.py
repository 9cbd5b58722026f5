"""`store/shipment/created`: capture an `on_ship` renewal's authorization, fulfil its delivery.

Only our renewal orders are looked at (one read of the order link); a second shipment of the
same order, or a redelivered webhook, finds the authorization settled and the delivery
fulfilled and changes nothing. A location's order of a multi-location cycle settles only its
own location; the cycle is fulfilled when the last one ships (`location_shipments`).
"""

from __future__ import annotations

from ..domain import events as ev
from ..domain.authorization import AuthState
from ..domain.delivery import DeliveryStatus
from ..domain.location_deliveries import LocationState
from ..ports.storage import ConcurrencyConflict
from .location_shipments import settle_location
from .payment_actions import ActionDeps, RenewalCharge, renewal_charge, settle_authorization


def on_shipment(store_hash: str, order_id: int, deps: ActionDeps) -> str:
    """What was done: `not_ours`, or the capture's outcome and the delivery's."""
    with deps.uow:
        found = renewal_charge(deps.uow, store_hash, order_id)
        if found is None:
            return "not_ours"
        outcomes = []
        auth = found.charge.authorization
        if auth is not None and auth.state == AuthState.VOIDED:
            return "already_voided"  # nothing was paid for this cycle: nothing to fulfil
        on_ship = deps.uow.tenant_configs.get(store_hash).capture_timing == "on_ship"
        if auth is not None and not auth.settled and on_ship:
            outcomes.append(settle_authorization(found, "capture", "shipped", deps))
        if found.charge.location_id is not None:
            settled = settle_location(store_hash, order_id, LocationState.SHIPPED, deps)
            outcomes.append(settled or "delivery_unchanged")
        else:
            outcomes.append(_fulfil(found, order_id, deps))
        return ",".join(outcomes)


def _fulfil(found: RenewalCharge, order_id: int, deps: ActionDeps) -> str:
    sub, cycle = found.sub, found.charge.cycle
    deliveries = deps.uow.deliveries.between(sub.store_hash, sub.id, cycle, cycle)
    pending = [d for d in deliveries if d.status == DeliveryStatus.PENDING]
    if not pending:
        return "delivery_unchanged"
    for delivery in pending:
        delivery.status, delivery.order_id = DeliveryStatus.FULFILLED, order_id
        deps.uow.deliveries.save(delivery)
    sub.record_payment_action(
        ev.DELIVERY_FULFILLED, cycle=cycle, now=deps.clock.now(), order_id=order_id
    )
    deps.uow.subscriptions.save(sub)
    try:
        deps.uow.commit()
    except ConcurrencyConflict:
        return "delivery_in_progress"  # a concurrent delivery of the same webhook did it
    return "delivery_fulfilled"
