"""Renewal date arithmetic: each cycle is computed from the anchor, never from the last date."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from enum import StrEnum


class Interval(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


def add_months(anchor: datetime, months: int) -> datetime:
    """`anchor` moved by whole months; the day is clamped to the month's end (Jan 31 -> Feb 28)."""
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return anchor.replace(year=year, month=month, day=day)


def shift(anchor: datetime, interval: Interval, count: int, periods: int) -> datetime:
    """The date `periods` billing periods of `count` x `interval` after `anchor`.

    Computing from the anchor (not from the last renewal) keeps the anchor day: Jan 31 gives
    Feb 28, then Mar 31 again, instead of drifting to the 28th forever.
    """
    steps = count * periods
    match interval:
        case Interval.DAY:
            return anchor + timedelta(days=steps)
        case Interval.WEEK:
            return anchor + timedelta(weeks=steps)
        case Interval.MONTH:
            return add_months(anchor, steps)
        case Interval.YEAR:
            return add_months(anchor, 12 * steps)
