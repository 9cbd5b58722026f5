"""Reading a gift out of a checkout's Order Comments (domain/gift_note.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain.gift_note import GiftNote, InvalidGiftNote, parse_gift_note

BOUGHT = datetime(2026, 3, 10, 18, 30, tzinfo=UTC)


def test_comments_without_a_gift_line_are_no_gift() -> None:
    assert parse_gift_note("Please leave it at the door", purchased_at=BOUGHT) is None


def test_a_recipient_and_a_first_delivery_among_other_comments_make_a_gift() -> None:
    # Given comments with the shopper's own words around the two lines, keys in any case
    text = "Happy birthday!\nGift-Recipient:  bob@example.com \nGIFT-FIRST-DELIVERY: 2026-03-11"
    # When / Then the first delivery starts that day, in UTC
    assert parse_gift_note(text, purchased_at=BOUGHT) == GiftNote(
        "bob@example.com", datetime(2026, 3, 11, tzinfo=UTC)
    )


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("gift-recipient: bob", "not an email"),
        ("gift-recipient: a@x.com\ngift-recipient: b@x.com", "one recipient"),
        ("gift-first-delivery: 2026-04-01", "without a gift recipient"),
        ("gift-recipient: a@x.com\ngift-first-delivery: 2026-03-10", "later than the purchase"),
        ("gift-recipient: a@x.com\ngift-first-delivery: next week", "not a date"),
    ],
)
def test_a_gift_named_badly_is_refused_with_the_reason(text: str, why: str) -> None:
    with pytest.raises(InvalidGiftNote, match=why):
        parse_gift_note(text, purchased_at=BOUGHT)


@given(st.text(max_size=300))
def test_any_comments_either_name_a_gift_or_are_refused_never_anything_else(text: str) -> None:
    try:
        note = parse_gift_note(text, purchased_at=BOUGHT)
    except InvalidGiftNote:
        return
    assert note is None or "@" in note.recipient_email
