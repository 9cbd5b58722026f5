"""`store/order/statusUpdated` for a location's renewal order: its status settles the location.

Shipped or Completed counts as shipped (a merchant may complete an order without creating a
shipment in BigCommerce); Cancelled or Refunded counts as cancelled, so the cycle is not held
open for an order that will never ship. Partially Shipped settles nothing. Orders that are not a
location's renewal order are none of this reaction's business; a single-order cycle is
fulfilled by its shipment alone, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..domain.location_deliveries import LocationState
from .location_shipments import settle_location

if TYPE_CHECKING:
    from .order_status import Reaction, StatusChange
    from .payment_actions import ActionDeps

SHIPPED, REFUNDED, CANCELLED, COMPLETED = 2, 4, 5, 10
_STATES = {
    SHIPPED: LocationState.SHIPPED,
    COMPLETED: LocationState.SHIPPED,
    REFUNDED: LocationState.CANCELLED,
    CANCELLED: LocationState.CANCELLED,
}


def settle_location_on_status(deps: Callable[[], ActionDeps]) -> Reaction:
    def reaction(change: StatusChange) -> str | None:
        state = _STATES.get(change.new_status_id)
        if state is None:
            return None
        d = deps()
        with d.uow:
            return settle_location(change.store_hash, change.order_id, state, d)

    return reaction
