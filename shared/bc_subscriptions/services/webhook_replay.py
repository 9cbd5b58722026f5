"""Replay: send stored events to an endpoint again, with their original `webhook-id`.

Consumers deduplicate on `webhook-id`, so a replay of something already received is harmless;
the body is the stored envelope, byte for byte, so signatures verify as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

import msgspec

from .messages import DeliverWebhook

if TYPE_CHECKING:
    from ..ports.queues import MessageQueue
    from ..ports.storage import Endpoint, StoredEvent

MAX_RANGE = timedelta(days=31)
MAX_EVENTS = 10_000


class ReplayRefused(ValueError):
    """The replay request cannot be carried out (unknown or disabled endpoint, bad range)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class EndpointReader(Protocol):
    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None: ...


class EventReader(Protocol):
    def get(self, store_hash: str, event_id: str) -> StoredEvent | None: ...
    def between(
        self, store_hash: str, since: datetime, until: datetime
    ) -> Iterator[StoredEvent]: ...


class ReplayResult(msgspec.Struct, frozen=True):
    queued: int
    not_subscribed: int  # events whose type the endpoint's filter does not take
    unknown: tuple[str, ...] = ()  # requested ids that are not events of this store


def replay_events(
    store_hash: str,
    endpoint_id: str,
    event_ids: list[str],
    *,
    endpoints: EndpointReader,
    events: EventReader,
    queue: MessageQueue,
) -> ReplayResult:
    endpoint = _replayable(store_hash, endpoint_id, endpoints)
    found = {i: events.get(store_hash, i) for i in dict.fromkeys(event_ids)}
    unknown = tuple(i for i, e in found.items() if e is None)
    result = _enqueue(endpoint, (e for e in found.values() if e is not None), queue)
    return ReplayResult(result.queued, result.not_subscribed, unknown)


def replay_range(
    store_hash: str,
    endpoint_id: str,
    since: datetime,
    until: datetime,
    *,
    endpoints: EndpointReader,
    events: EventReader,
    queue: MessageQueue,
) -> ReplayResult:
    if not since < until or until - since > MAX_RANGE:
        raise ReplayRefused("invalid_range", f"since must precede until by at most {MAX_RANGE}")
    endpoint = _replayable(store_hash, endpoint_id, endpoints)
    return _enqueue(endpoint, events.between(store_hash, since, until), queue)


def _replayable(store_hash: str, endpoint_id: str, endpoints: EndpointReader) -> Endpoint:
    endpoint = endpoints.get(store_hash, endpoint_id)
    if endpoint is None:
        raise ReplayRefused("endpoint_not_found", f"no endpoint {endpoint_id} in this store")
    if not endpoint.enabled:
        raise ReplayRefused("endpoint_disabled", "enable the endpoint before replaying to it")
    return endpoint


def _enqueue(
    endpoint: Endpoint, stored: Iterable[StoredEvent], queue: MessageQueue
) -> ReplayResult:
    bodies: list[str] = []
    skipped = 0
    for event in stored:
        if not endpoint.wants(event.type):
            skipped += 1
            continue
        if len(bodies) == MAX_EVENTS:
            raise ReplayRefused("too_many_events", f"more than {MAX_EVENTS}: narrow the range")
        bodies.append(
            DeliverWebhook(
                store_hash=endpoint.store_hash,
                endpoint_id=endpoint.endpoint_id,
                event_id=event.event_id,
                event_type=event.type,
                body=event.envelope,
            ).to_json()
        )
    return ReplayResult(queue.send_batch(bodies) if bodies else 0, skipped)
