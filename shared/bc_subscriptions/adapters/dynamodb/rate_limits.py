"""Fixed-window counters in the store's partition: one conditional update per request."""

from __future__ import annotations

from datetime import datetime, timedelta

from ...ports.storage import ConcurrencyConflict
from . import keys
from .errors import translated_errors
from .models import RateLimitItem


class DynamoRateLimiter:
    def allow(
        self, store_hash: str, key: str, *, limit: int, window: timedelta, now: datetime
    ) -> float | None:
        """None when this request fits the window; else the seconds until the next window."""
        span = int(window.total_seconds())
        start = int(now.timestamp()) // span * span
        item = RateLimitItem(keys.store_pk(store_hash), f"RATE#{key}#{start}")
        try:
            with translated_errors():
                item.update(
                    actions=[
                        RateLimitItem.hits.add(1),
                        RateLimitItem.store_hash.set(store_hash),
                        RateLimitItem.kind.set(RateLimitItem.KIND),
                        RateLimitItem.ttl.set(start + 2 * span),
                    ],
                    condition=RateLimitItem.hits.does_not_exist() | (RateLimitItem.hits < limit),
                )
        except ConcurrencyConflict:
            return float(start + span - now.timestamp())
        return None
