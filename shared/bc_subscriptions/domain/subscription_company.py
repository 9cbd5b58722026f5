"""Which B2B Edition company a subscription belongs to: a move when the buyer's company, or its
place in the hierarchy, is no longer what was recorded. A move is an amendment like any other."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from .record import to_data

if TYPE_CHECKING:
    from .company import CompanyMembership
    from .subscription import Subscription


class CompanyMove(msgspec.Struct, frozen=True):
    """The subscription belongs to `company` (None: to no company) from now on."""

    company: CompanyMembership | None

    def check(self, sub: Subscription) -> None:
        return None

    def apply(self, sub: Subscription) -> dict[str, Any]:
        before, sub.company = sub.company, self.company
        return {"company": [None if c is None else to_data(c) for c in (before, sub.company)]}


def move_to_company(sub: Subscription, company: CompanyMembership | None, now: datetime) -> bool:
    """Move `sub` where B2B Edition says it belongs now (False: it is there already)."""
    if company == sub.company:
        return False
    sub.amend(CompanyMove(company), now)
    return True
