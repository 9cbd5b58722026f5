"""Fan an event out to every enabled endpoint of its store that wants it, then mark it relayed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

import msgspec

from ..observability import logger
from .messages import DeliverWebhook

if TYPE_CHECKING:
    from ..ports.queues import MessageQueue
    from ..ports.storage import Endpoint, StoredEvent

# The stream normally relays within seconds; catch-up only takes what is clearly overdue.
CATCH_UP_AFTER = timedelta(minutes=5)


class EndpointReader(Protocol):
    def list(self, store_hash: str) -> list[Endpoint]: ...


class EndpointsOfBatch:
    """One read of a store's endpoints per stream batch instead of one per event.

    A batch is read from the stream after every event in it was committed, so the endpoints
    listed at the batch's first event are the endpoints every one of its events would have been
    relayed to (an endpoint added while the batch is relayed starts with the next batch).
    """

    def __init__(self, endpoints: EndpointReader) -> None:
        self._endpoints = endpoints
        self._by_store: dict[str, list[Endpoint]] = {}

    def list(self, store_hash: str) -> list[Endpoint]:
        if store_hash not in self._by_store:
            self._by_store[store_hash] = self._endpoints.list(store_hash)
        return self._by_store[store_hash]


class OutboxStore(Protocol):
    shards: int

    def pending(self, older_than: datetime, shard: int, limit: int) -> Iterable[StoredEvent]: ...
    def mark_relayed(self, event: StoredEvent) -> None: ...


def relay_event(
    event: StoredEvent, *, endpoints: EndpointReader, queue: MessageQueue, outbox: OutboxStore
) -> int:
    """Enqueue one delivery per interested endpoint; returns how many.

    Sent before marked: a crash in between sends again later (at least once, same webhook-id)
    rather than never.
    """
    bodies = [
        DeliverWebhook(
            store_hash=event.store_hash,
            endpoint_id=e.endpoint_id,
            event_id=event.event_id,
            event_type=event.type,
            body=event.envelope,
        ).to_json()
        for e in endpoints.list(event.store_hash)
        if e.wants(event.type)
    ]
    sent = queue.send_batch(bodies) if bodies else 0
    outbox.mark_relayed(event)
    return sent


class CatchUpResult(msgspec.Struct, frozen=True):
    relayed: int
    complete: bool  # False when the time budget ran out; the next run continues
    failed: int = 0  # events (or shard reads) that failed; still pending, the next run retries


def catch_up(
    now: datetime,
    *,
    outbox: OutboxStore,
    endpoints: EndpointReader,
    queue: MessageQueue,
    per_shard_limit: int = 500,
    time_left_ms: Callable[[], int] = lambda: 60_000,
    reserve_ms: int = 5_000,
) -> CatchUpResult:
    """Relay events the stream path missed (stream lag beyond retention, relay failures).

    One event that cannot be relayed, or one shard that cannot be read, is logged and counted
    and the others go on: it stays pending, so the next run tries it again.
    """
    relayed = failed = 0
    for shard in range(outbox.shards):
        try:
            for event in outbox.pending(now - CATCH_UP_AFTER, shard, per_shard_limit):
                if time_left_ms() < reserve_ms:
                    return CatchUpResult(relayed, complete=False, failed=failed)
                try:
                    relay_event(event, endpoints=endpoints, queue=queue, outbox=outbox)
                except Exception:
                    logger.exception(
                        "catch-up relay failed",
                        store_hash=event.store_hash,
                        event_id=event.event_id,
                    )
                    failed += 1
                else:
                    relayed += 1
        except Exception:
            logger.exception("catch-up read of an outbox shard failed", shard=shard)
            failed += 1
    return CatchUpResult(relayed, complete=not failed, failed=failed)
