"""When a failed merchant webhook is tried again, and when we give up on it.

The Standard Webhooks recommended schedule: after the first attempt, retries 5 s, 5 min,
30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h later (10 attempts over about 3 days and 3 hours).
Jitter only ever lengthens a delay (up to +10 %), so retries of many events that failed
together spread out, yet an endpoint that is down for three days still gets a last attempt
after it is back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
MAX_JITTER = 0.10
# A consumer's Retry-After is honoured, but cannot park a delivery for longer than this.
MAX_RETRY_AFTER = timedelta(hours=24)
# An endpoint that has failed every attempt for this long is disabled.
DISABLE_AFTER = timedelta(days=5)


def next_retry_delay(
    attempt: int, *, jitter: float, retry_after: timedelta | None = None
) -> timedelta | None:
    """The wait before attempt `attempt + 1`, or None when `attempt` was the last one.

    `jitter` is a uniform draw in [0, 1); `retry_after` is what the consumer asked for.
    """
    if not 1 <= attempt < MAX_ATTEMPTS:
        return None
    if not 0 <= jitter < 1:
        raise ValueError("jitter must be in [0, 1)")
    base = RETRY_DELAYS[attempt - 1]
    delay = base + base * (MAX_JITTER * jitter)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return timedelta(seconds=round(delay.total_seconds(), 3))


def retry_after_seconds(value: str, now: datetime) -> int | None:
    """A consumer's `Retry-After` (delay seconds or an HTTP-date) as whole seconds from `now`,
    within [0, MAX_RETRY_AFTER]; None when it is absent or not a valid value.

    Whatever the header says (a 40-digit number, a negative one, a date in year 1 or 9999),
    the answer is a small bounded number or None, never an error.
    """
    text = value.strip()
    cap = int(MAX_RETRY_AFTER.total_seconds())
    if text.isascii() and text.isdigit():
        return cap if len(text) > 12 else min(int(text), cap)
    if not text or len(text) > 64 or text[0] in "+-":
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        return None  # an HTTP-date is always GMT; a zoneless one is not an HTTP-date
    try:
        seconds = (when - now).total_seconds()
    except OverflowError:
        return None
    return int(min(max(seconds, 0), cap))


def should_disable(failing_for: timedelta) -> bool:
    return failing_for >= DISABLE_AFTER
