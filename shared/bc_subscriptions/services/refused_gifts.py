"""A checkout's gift that capture could not make, told to the merchant as an ops item.

The shopper is never answered at capture (the order is already placed), and the subscription
then ships to the buyer; the merchant's operator is the one who can reach the shopper. The
item names the order, the reason code and the subscriptions started for the buyer alone. It
never carries the recipient's email or the note: ops items sit in the store's partition for
90 days, beside events, and personal data stays out of what is stored there.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..ports.storage import OpsEvent, OpsEvents

if TYPE_CHECKING:
    from ..domain.gift_refusal import GiftRefusal

GIFT_REFUSED_OPS = "gift.refused"


def raise_gift_refused(
    ops: OpsEvents | None,
    store_hash: str,
    order_id: int,
    refusal: GiftRefusal | None,
    subscription_ids: tuple[str, ...],
    now: datetime,
) -> None:
    """Record the ops item once the capture that refused the gift has committed (a repeat
    delivery finds the order captured and never comes here, so the item does not double).
    A crash between that commit and this write loses the item, never doubles it; the
    subscription's `subscription.gift_refused` event, committed with it, still tells.
    No refusal (no gift, or one that was made): nothing to tell."""
    if ops is None or refusal is None:
        return
    data: dict[str, object] = {
        "order_id": order_id,
        "reason": refusal.reason,
        "subscription_ids": list(subscription_ids),
    }
    ops.record(OpsEvent(store_hash, GIFT_REFUSED_OPS, data, now))
