"""The outbox side of event items: which events still wait to be relayed, and marking them done."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ...ports.storage import ConcurrencyConflict, StoredEvent
from . import keys
from .errors import translated_errors
from .event_items import stored_event
from .models import EventItem


class Outbox:
    def __init__(self, shards: int) -> None:
        self.shards = shards

    def pending(self, older_than: datetime, shard: int, limit: int) -> Iterator[StoredEvent]:
        """Events of one shard not relayed since before `older_than`, oldest first."""
        upper = f"{keys.timestamp(older_than)}#"
        with translated_errors():
            rows = EventItem.pending_relay.query(
                f"RELAY#{shard}", EventItem.relay_sk < upper, limit=limit
            )
            for row in rows:
                event = self._get(row.pk, row.sk)
                if event is not None:
                    yield event

    def mark_relayed(self, event: StoredEvent) -> None:
        """Drop the event from the pending index; a repeat (or a lost race) changes nothing."""
        item = EventItem(
            *keys.event_key(
                event.store_hash,
                event.subscription_id,
                event.endpoint_id,
                event.seq,
                event.grant_id,
            )
        )
        try:
            with translated_errors():
                item.update(
                    actions=[EventItem.relay_pk.remove(), EventItem.relay_sk.remove()],
                    # Without it, updating a missing key would create a stray item.
                    condition=EventItem.pk.exists(),
                )
        except ConcurrencyConflict:
            return  # no such event: nothing is pending

    @staticmethod
    def _get(pk: str, sk: str) -> StoredEvent | None:
        with translated_errors():
            try:
                return stored_event(EventItem.get(pk, sk))
            except EventItem.DoesNotExist:
                return None
