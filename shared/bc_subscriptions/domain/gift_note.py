"""How a checkout names a gift: lines in the order's Order Comments (`customer_message`).

The storefront (or the shopper) writes, anywhere among the comments, one line naming the
recipient by the email of their account in the same store, and optionally one with the date
of the first delivery:

    gift-recipient: bob@example.com
    gift-first-delivery: 2027-01-15

Keys are case-insensitive; other lines are the shopper's own and are left alone. A note that
names no recipient is no gift; one that is malformed is refused with the reason, and the
order then starts an ordinary subscription (the capture cannot answer the shopper).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import msgspec

_LINE = re.compile(r"^\s*gift-(recipient|first-delivery)\s*:\s*(.*?)\s*$", re.I | re.M)
_EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+\.[^@\s,]+")


class InvalidGiftNote(ValueError):
    """The comments name a gift the capture cannot make (the message says why, `code` says
    it for machines: the merchant's ops item carries the code, never the note itself)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class GiftNote(msgspec.Struct, frozen=True):
    recipient_email: str
    # The first delivery (the checkout's own cycle) at the start of this day, UTC.
    first_delivery_at: datetime | None = None


def parse_gift_note(message: str, *, purchased_at: datetime) -> GiftNote | None:
    """The gift the comments name, None if they name none; `InvalidGiftNote` if they name
    one badly (two recipients, no valid email, a first delivery not after the purchase)."""
    found: dict[str, list[str]] = {}
    for key, value in _LINE.findall(message):
        found.setdefault(key.lower(), []).append(value)
    recipients, dates = found.get("recipient", []), found.get("first-delivery", [])
    if not recipients:
        if dates:
            raise InvalidGiftNote(
                "a first delivery date without a gift recipient", "first_delivery_without_recipient"
            )
        return None
    if len(recipients) > 1 or len(dates) > 1:
        raise InvalidGiftNote(
            "a gift names one recipient and at most one first delivery", "more_than_one_gift_line"
        )
    if not _EMAIL.fullmatch(recipients[0]):
        raise InvalidGiftNote(
            "the gift recipient is not an email address", "recipient_not_an_email"
        )
    first = _first_delivery(dates[0], purchased_at) if dates else None
    return GiftNote(recipients[0], first)


def _first_delivery(raw: str, purchased_at: datetime) -> datetime:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidGiftNote(
            "the first delivery is not a date (YYYY-MM-DD)", "first_delivery_not_a_date"
        ) from None
    if day <= purchased_at.astimezone(UTC).date():
        later = "the first delivery must be later than the purchase"
        raise InvalidGiftNote(later, "first_delivery_not_after_purchase")
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
