"""What has been given back of an allotment debit, part by part: each refund's part (its
reversal id names the refund) and the merchant's reversal of what was left, if any.

The debit keeps each refund's part by reversal id; the merchant's part is what the debit has
given back beyond those, at the time the debit became wholly reversed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from .record import FrozenRecord

if TYPE_CHECKING:
    from .allotments import AllotmentDebit

REFUND_REVERSAL_PREFIX = "alr_refund_"


class ReversalPart(FrozenRecord, frozen=True, kw_only=True):
    """One part given back: by a refund (its BigCommerce id) or by the merchant."""

    source: Literal["refund", "merchant"]
    refund_id: int | None
    amount: Decimal
    at: datetime | None  # None: a refund's part given back before its time was kept


def refund_id_of(reversal_id: str) -> int | None:
    """The BigCommerce refund a reversal id stands for (None: not a refund's)."""
    number = reversal_id.removeprefix(REFUND_REVERSAL_PREFIX)
    return int(number) if number != reversal_id and number.isdigit() else None


def given_back(debit: AllotmentDebit) -> Decimal:
    """All that has come back of the debit so far."""
    return debit.amount - debit.remaining()


def reversal_parts(debit: AllotmentDebit) -> list[ReversalPart]:
    """Every part given back, in the order they came back (a merchant's reversal ends it)."""
    parts = [
        ReversalPart(
            source="refund",
            refund_id=refund_id_of(reversal_id),
            amount=amount,
            at=debit.reversal_times.get(reversal_id),
        )
        for reversal_id, amount in debit.reversals.items()
    ]
    by_merchant = given_back(debit) - sum(debit.reversals.values(), Decimal(0))
    if by_merchant > 0:
        parts.append(
            ReversalPart(
                source="merchant", refund_id=None, amount=by_merchant, at=debit.reversed_at
            )
        )
    return parts
