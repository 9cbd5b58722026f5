"""A contract term that holds cancels back until its notice window opens.

It is a store's (one agreement for every subscription, e.g. a B2B store on an annual contract,
set in the tenant config) or one subscription's (a term negotiated with that customer, set by
the merchant); the subscription's own term wins over the store's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

# A term ends within these bounds (UTC). Far enough apart for any real agreement, and far
# enough from the calendar's ends (years 1 and 9999) that no date arithmetic on it overflows.
EARLIEST_TERM_END = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_TERM_END = datetime(2200, 1, 1, tzinfo=UTC)


class ContractGuard(BaseModel):
    """Before `window_opens_at` (`term_end_at` less the notice period) a cancel is refused
    (`block`) or handed to the merchant's legal team (`route`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    term_end_at: AwareDatetime
    notice_period_days: int = Field(ge=0, le=366, strict=True)
    mode: Literal["block", "route"]

    @field_validator("term_end_at")
    @classmethod
    def _within_bounds(cls, value: datetime) -> datetime:
        if not EARLIEST_TERM_END <= value <= LATEST_TERM_END:
            raise ValueError(
                f"must be between {EARLIEST_TERM_END:%Y-%m-%d} and {LATEST_TERM_END:%Y-%m-%d}"
            )
        return value

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
