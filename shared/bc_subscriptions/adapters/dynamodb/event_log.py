"""Reading stored events back: one by id, or a store's events in a time range (for replay)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from . import keys
from .errors import translated_errors
from .event_items import stored_event
from .models import EventItem

if TYPE_CHECKING:
    from ...ports.storage import StoredEvent

_BATCH_GET = 100


class EventLog:
    def get(self, store_hash: str, event_id: str) -> StoredEvent | None:
        """Event ids name their owner and sequence (`evt_{owner}_{seq}`), so no index is needed."""
        owner, _, seq = event_id.removeprefix("evt_").rpartition("_")
        if not event_id.startswith("evt_") or not owner or not seq.isdigit():
            return None
        endpoint = owner if owner.startswith("ep_") else None
        grant = owner if owner.startswith(keys.GRANT_ID_PREFIX) else None
        subscription = None if endpoint or grant else owner
        pk, sk = keys.event_key(store_hash, subscription, endpoint, int(seq), grant)
        with translated_errors():
            try:
                item = EventItem.get(pk, sk)
            except EventItem.DoesNotExist:
                return None
        return stored_event(item) if item.event_id == event_id else None

    def between(self, store_hash: str, since: datetime, until: datetime) -> Iterator[StoredEvent]:
        """The store's events with since <= occurred_at <= until, oldest first."""
        low, high = f"{keys.timestamp(since)}#", f"{keys.timestamp(until)}#~"
        day = since
        while day.date() <= until.date():
            time_pk, _ = keys.event_time_keys(store_hash, day, "")
            with translated_errors():
                rows = EventItem.by_time.query(time_pk, EventItem.time_sk.between(low, high))
                item_keys = [(r.pk, r.sk) for r in rows]
            yield from self._load(item_keys)
            day += timedelta(days=1)

    @staticmethod
    def _load(item_keys: list[tuple[str, str]]) -> Iterator[StoredEvent]:
        for start in range(0, len(item_keys), _BATCH_GET):
            chunk = item_keys[start : start + _BATCH_GET]
            with translated_errors():
                items = list(EventItem.batch_get(chunk))
            order = {key: i for i, key in enumerate(chunk)}
            for item in sorted(items, key=lambda i: order[(i.pk, i.sk)]):
                yield stored_event(item)
