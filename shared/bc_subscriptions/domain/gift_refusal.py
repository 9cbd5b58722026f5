"""A gift the checkout named that capture refused: the subscription starts for the buyer
alone, and the merchant hears why in a code (never the recipient's email or the note)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from . import events as ev

if TYPE_CHECKING:
    from .subscription import Subscription

# Why, beside the note's own codes (`gift_note.InvalidGiftNote.code`).
GUEST_BUYER = "guest_buyer"
RECIPIENT_NOT_A_CUSTOMER = "recipient_not_a_customer"
RECIPIENT_IS_BUYER = "recipient_is_buyer"


class GiftRefusal(msgspec.Struct, frozen=True):
    """A gift the order's comments named that capture refused; `reason` is a code."""

    reason: str


def refuse_gift(sub: Subscription, refusal: GiftRefusal, now: datetime) -> None:
    """Record that the checkout's gift was refused (`subscription.gift_refused`); the
    subscription is the buyer's own in every role, nothing else changes."""
    data = {"origin_order_id": sub.origin_order_id, "reason": refusal.reason}
    sub.record_event(ev.SUBSCRIPTION_GIFT_REFUSED, now, data)
