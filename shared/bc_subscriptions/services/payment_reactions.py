"""Order status reactions for authorized renewals: capture on fulfilment, void on cancel/refund.

Both look at the order link first (one read), so status changes of other orders cost nothing
more; what the order's transactions already say is recorded, never requested again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .payment_actions import ActionDeps, renewal_charge, settle_authorization

if TYPE_CHECKING:
    from .order_status import Reaction, StatusChange

REFUNDED, CANCELLED = 4, 5
_VOID_REASONS = {REFUNDED: "order_refunded", CANCELLED: "order_cancelled"}


def capture_when_fulfilled(deps: Callable[[], ActionDeps]) -> Reaction:
    """`on_fulfillment`: the order reached one of the store's fulfilled statuses."""

    def reaction(change: StatusChange) -> str | None:
        d = deps()
        with d.uow:
            found = renewal_charge(d.uow, change.store_hash, change.order_id)
            if found is None or found.charge.authorization is None:
                return None
            config = d.uow.tenant_configs.get(change.store_hash)
            if config.capture_timing != "on_fulfillment":
                return None
            if change.new_status_id not in config.fulfilled_statuses:
                return None
            return settle_authorization(found, "capture", "fulfilled", d)

    return reaction


def void_when_cancelled(deps: Callable[[], ActionDeps]) -> Reaction:
    """A cancelled or refunded renewal order: its open authorization is voided."""

    def reaction(change: StatusChange) -> str | None:
        reason = _VOID_REASONS.get(change.new_status_id)
        if reason is None:
            return None
        d = deps()
        with d.uow:
            found = renewal_charge(d.uow, change.store_hash, change.order_id)
            if found is None or found.charge.authorization is None:
                return None
            return settle_authorization(found, "void", reason, d)

    return reaction
