"""Company subscriptions (B2B Edition): the company a subscription belongs to, purchase-order
terms, and recurring revenue normalised to a month for the company-hierarchy rollup."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from .record import FieldError, FrozenRecord, within
from .schedule import Interval

if TYPE_CHECKING:
    from .plan import Cadence

# B2B Edition offers 0 to 60 days; a negotiated contract may go further, never past 120.
MAX_NET_TERMS_DAYS = 120
# Average lengths, so a weekly and a yearly plan compare with a monthly one.
_DAYS_PER_MONTH = Decimal("365.25") / 12
_PER_MONTH = {
    Interval.DAY: _DAYS_PER_MONTH,
    Interval.WEEK: _DAYS_PER_MONTH / 7,
    Interval.MONTH: Decimal(1),
    Interval.YEAR: Decimal(1) / 12,
}


class CompanyMembership(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The one place a subscription's company lives: the company it belongs to and that
    company's parent in its hierarchy (None: a top company), as B2B Edition said when the
    subscription was created or moved. The company index is kept from these fields."""

    company_id: int
    parent_company_id: int | None = None

    def __post_init__(self) -> None:
        if self.company_id <= 0:
            raise FieldError("company_id", "must be greater than 0")
        if self.parent_company_id is not None and self.parent_company_id <= 0:
            raise FieldError("parent_company_id", "must be greater than 0")


class InvoiceTerms(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A subscription paid on purchase order: each renewal's order is left unpaid, due
    `net_terms_days` after it is placed, and never charged to a card."""

    po_number: str
    net_terms_days: int

    def __post_init__(self) -> None:
        if not 1 <= len(self.po_number) <= 50:
            raise FieldError("po_number", "must be 1 to 50 characters")
        within("net_terms_days", self.net_terms_days, 0, MAX_NET_TERMS_DAYS)


def monthly(amount: Decimal, cadence: Cadence) -> Decimal:
    """`amount` charged once per `cadence`, as a monthly figure (cents, rounded half even)."""
    per_month = _PER_MONTH[cadence.interval] / cadence.interval_count
    return (amount * per_month).quantize(Decimal("0.01"))


def total_mrr(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, Decimal("0.00"))


class OpenInvoice(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A renewal order left unpaid on purchase-order terms, until BigCommerce says it is paid."""

    cycle: int
    order_id: int
    due_at: datetime
    # Flagged once, when its due date passed unpaid (the sweep then stops looking at it).
    overdue: bool = False

    def __post_init__(self) -> None:
        if self.cycle < 1:
            raise FieldError("cycle", "must be greater than or equal to 1")
