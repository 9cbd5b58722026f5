"""A contract term that holds cancels back until its notice window opens.

It is a store's (one agreement for every subscription, e.g. a B2B store on an annual contract,
set in the tenant config) or one subscription's (a term negotiated with that customer, set by
the merchant); the subscription's own term wins over the store's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class ContractGuard(BaseModel):
    """Before `window_opens_at` (`term_end_at` less the notice period) a cancel is refused
    (`block`) or handed to the merchant's legal team (`route`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    term_end_at: AwareDatetime
    notice_period_days: int = Field(ge=0, le=366)
    mode: Literal["block", "route"]

    @property
    def window_opens_at(self) -> datetime:
        return self.term_end_at - timedelta(days=self.notice_period_days)

    def guards(self, now: datetime) -> bool:
        """Whether a cancel at `now` falls before the notice window opens."""
        return now < self.window_opens_at
