"""A contract term that holds cancels back until its notice window opens.

It is a store's (one agreement for every subscription, e.g. a B2B store on an annual contract,
set in the tenant config) or one subscription's (a term negotiated with that customer, set by
the merchant); the subscription's own term wins over the store's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from .record import FieldError, FrozenRecord

# A term ends within these bounds (UTC). Far enough apart for any real agreement, and far
# enough from the calendar's ends (years 1 and 9999) that no date arithmetic on it overflows.
EARLIEST_TERM_END = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_TERM_END = datetime(2200, 1, 1, tzinfo=UTC)


class ContractGuard(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Before `window_opens_at` (`term_end_at` less the notice period) a cancel is refused
    (`block`) or handed to the merchant's legal team (`route`)."""

    term_end_at: datetime
    notice_period_days: int
    mode: Literal["block", "route"]

    def __post_init__(self) -> None:
        if problem := term_end_problem(self.term_end_at):
            raise FieldError("term_end_at", problem)
        # bool is an int in Python, never a number of days.
        days = self.notice_period_days
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 366:
            raise FieldError("notice_period_days", "must be a whole number from 0 to 366")
        if self.mode not in ("block", "route"):
            raise FieldError("mode", "must be block or route")

    @property
    def window_opens_at(self) -> datetime:
        # Bounded inputs keep this in range; a record written before the bounds existed
        # falls back to the calendar's first day (the window is then always open).
        try:
            return self.term_end_at - timedelta(days=self.notice_period_days)
        except OverflowError:
            return datetime.min.replace(tzinfo=UTC)

    def guards(self, now: datetime) -> bool:
        """Whether a cancel at `now` falls before the notice window opens."""
        return now < self.window_opens_at


def term_end_problem(value: object) -> str | None:
    """Why `value` cannot end a term (None: it can): an aware time within the bounds."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return "must be a date-time with a time zone"
    if not EARLIEST_TERM_END <= value <= LATEST_TERM_END:
        return f"must be between {EARLIEST_TERM_END:%Y-%m-%d} and {LATEST_TERM_END:%Y-%m-%d}"
    return None
