"""What the store will charge soon: the renewals due in a window, with their amounts."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import msgspec

from ..domain.lifecycle import RENEWABLE
from ..domain.scheduled_change import ChangeKind
from ..domain.subscription_pricing import renewal_total

if TYPE_CHECKING:
    from ..ports.storage import SubscriptionReader

MAX_COUNTED = 100


class UpcomingRenewals(msgspec.Struct, frozen=True):
    count: int
    more: bool  # more than `count` are due: the count and totals are a floor
    totals: dict[str, Decimal]  # currency -> what the renewals come to, shipping included


def upcoming_renewals(
    store_hash: str, *, reader: SubscriptionReader, now: datetime, days: int
) -> UpcomingRenewals:
    """Renewals of renewable subscriptions due before `now + days` (late ones included), read
    from the store's own due index: one page of at most MAX_COUNTED, never a scan."""
    until = now + timedelta(days=days)
    page = reader.overdue(store_hash, until, cursor=None, limit=MAX_COUNTED)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    count = 0
    for row in page.items:
        sub = row.subscription
        # The index also holds dunning steps, pause ends and cancels that come first.
        if sub.status not in RENEWABLE or sub.next_renewal_at >= until:
            continue
        cancel_at = sub.scheduled_at(ChangeKind.CANCEL)
        if cancel_at is not None and cancel_at <= sub.next_renewal_at:
            continue
        count += 1
        totals[sub.currency] += renewal_total(sub)
    return UpcomingRenewals(count, page.cursor is not None, dict(totals))
