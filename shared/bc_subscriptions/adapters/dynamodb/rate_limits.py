"""Fixed-window counters in the store's partition, spent in the unit of work's transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from . import keys
from .models import RateLimitItem

if TYPE_CHECKING:
    from .unit_of_work import DynamoUnitOfWork


class RateLimits:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow

    def spend(
        self, store_hash: str, key: str, *, limit: int, window: timedelta, now: datetime
    ) -> float | None:
        """None when one more attempt fits the window (the hit lands with the commit); else
        the seconds until the next window, and nothing is staged."""
        span = int(window.total_seconds())
        start = int(now.timestamp()) // span * span
        pk, sk = keys.store_pk(store_hash), f"RATE#{key}#{start}"
        counter = self._uow.load(RateLimitItem, pk, sk)
        if counter is not None and int(counter.hits) >= limit:
            return float(start + span - now.timestamp())
        self._uow.stage_update(
            RateLimitItem(pk, sk),
            actions=[
                RateLimitItem.hits.add(1),
                RateLimitItem.store_hash.set(store_hash),
                RateLimitItem.kind.set(RateLimitItem.KIND),
                RateLimitItem.ttl.set(start + 2 * span),
            ],
            # Attempts racing for the last place: one commits, the others conflict.
            condition=RateLimitItem.hits.does_not_exist() | (RateLimitItem.hits < limit),
        )
        return None
