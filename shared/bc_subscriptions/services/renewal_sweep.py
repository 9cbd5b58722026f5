"""Find due subscriptions through the sparse DueIndex and enqueue one renewal each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..ports.queues import MessageQueue
from ..ports.storage import DueSubscription
from .messages import RenewSubscription


class DueReader(Protocol):
    shards: int

    def due(self, now: datetime, shard: int, limit: int) -> Iterable[DueSubscription]: ...


@dataclass(frozen=True)
class SweepResult:
    enqueued: int
    shards_swept: int
    complete: bool  # False when the time budget ran out; the next run continues


def sweep_due_renewals(
    now: datetime,
    *,
    due: DueReader,
    queue: MessageQueue,
    per_shard_limit: int = 1000,
    time_left_ms: Callable[[], int] = lambda: 60_000,
    reserve_ms: int = 5_000,
) -> SweepResult:
    """Enqueue every due renewal, shard by shard, until done or the time budget runs low."""
    enqueued = swept = 0
    for shard in range(due.shards):
        if time_left_ms() < reserve_ms:
            return SweepResult(enqueued, swept, complete=False)
        bodies = [
            RenewSubscription(
                store_hash=d.store_hash, subscription_id=d.subscription_id, cycle=d.cycle
            ).model_dump_json()
            for d in due.due(now, shard, per_shard_limit)
        ]
        if bodies:
            enqueued += queue.send_batch(bodies)
        swept += 1
    return SweepResult(enqueued, swept, complete=True)
