"""How a domain event is stored: audit log, outbox (PendingRelayIndex) and time index."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from ...ports.storage import StoredEvent
from . import keys
from .models import EventItem

if TYPE_CHECKING:
    from ...domain.events import DomainEvent


def event_item(event: DomainEvent, shards: int) -> EventItem:
    pk, sk = keys.event_key(
        event.store_hash, event.subscription_id, event.endpoint_id, event.seq, event.grant_id
    )
    owner = event.subscription_id or event.endpoint_id or event.grant_id or ""
    relay_pk, relay_sk = keys.relay_keys(owner, event.id, event.occurred_at, shards)
    time_pk, time_sk = keys.event_time_keys(event.store_hash, event.occurred_at, event.id)
    return EventItem(
        pk,
        sk,
        event_id=event.id,
        type=event.type,
        store_hash=event.store_hash,
        subscription_id=event.subscription_id,
        endpoint_id=event.endpoint_id,
        grant_id=event.grant_id,
        seq=event.seq,
        occurred_at=keys.timestamp(event.occurred_at),
        envelope=json.dumps(event.envelope(), separators=(",", ":")),
        relay_pk=relay_pk,
        relay_sk=relay_sk,
        time_pk=time_pk,
        time_sk=time_sk,
    )


def stored_event(item: EventItem) -> StoredEvent:
    return StoredEvent(
        item.store_hash,
        item.subscription_id,
        int(item.seq),
        item.event_id,
        item.type,
        item.envelope,
        endpoint_id=item.endpoint_id,
        occurred_at=datetime.strptime(item.occurred_at, "%Y-%m-%dT%H:%M:%S%z"),
        grant_id=item.grant_id,
    )
