"""Fan an inserted event out to every enabled endpoint of its store that wants its type."""

from __future__ import annotations

from typing import Protocol

from ..ports.queues import MessageQueue
from ..ports.storage import Endpoint
from .messages import DeliverWebhook


class EndpointReader(Protocol):
    def list(self, store_hash: str) -> list[Endpoint]: ...


def relay_event(
    store_hash: str,
    event_id: str,
    event_type: str,
    body: str,
    *,
    endpoints: EndpointReader,
    queue: MessageQueue,
) -> int:
    """Enqueue one delivery per interested endpoint; returns how many."""
    bodies = [
        DeliverWebhook(
            store_hash=store_hash,
            endpoint_id=e.endpoint_id,
            event_id=event_id,
            event_type=event_type,
            body=body,
        ).model_dump_json()
        for e in endpoints.list(store_hash)
        if e.wants(event_type)
    ]
    return queue.send_batch(bodies) if bodies else 0
