"""Find due subscriptions through the sparse DueIndex and enqueue one renewal each.

Fair share: each store has its own due partitions, and a run's budget is split evenly across
the stores with something due; what a quiet store leaves unused goes to the busy ones. A store
with a million due renewals therefore takes its turn like every other store instead of filling
the run. Nothing is marked as swept: what a run leaves (budget or time ran out) stays in the
index and the next run, which starts at another store, picks it up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Protocol

from ..observability import logger
from ..ports.queues import MessageQueue
from ..ports.storage import DueSubscription
from .messages import RenewSubscription

# Schedule period of the sweep: the starting store rotates once per run.
RUN_PERIOD_S = 300
# A renewal still due this long after its due time has missed about a dozen sweeps: its worker
# keeps failing or the backlog outgrows the sweeps. The tenant default of the stuck-workflow
# ops queue, so the alarm and the merchant's view agree on what is stuck.
STUCK_AFTER = timedelta(minutes=60)


class DueReader(Protocol):
    def stores(self) -> Iterable[str]: ...

    def due(self, now: datetime, store_hash: str) -> Iterator[DueSubscription]:
        """The store's due renewals, read lazily page by page."""
        ...


@dataclass(frozen=True)
class SweepResult:
    enqueued: int
    stores: int
    complete: bool  # False when the budget or the time ran out; the next run continues
    per_store: dict[str, int] = field(default_factory=dict)
    overdue: int = 0  # of those enqueued, due more than STUCK_AFTER ago: stuck workflows
    failed_stores: int = 0


@dataclass
class _Store:
    store_hash: str
    rows: Iterator[DueSubscription]
    sent: int = 0
    overdue: int = 0
    exhausted: bool = False
    failed: bool = False


def sweep_due_renewals(
    now: datetime,
    *,
    due: DueReader,
    queue: MessageQueue,
    budget: int = 10_000,
    time_left_ms: Callable[[], int] = lambda: 60_000,
    reserve_ms: int = 5_000,
) -> SweepResult:
    """Enqueue due renewals, an even share per store per round, until done, budget or time."""
    stores = sorted(due.stores())
    if stores:
        start = int(now.timestamp() // RUN_PERIOD_S) % len(stores)
        stores = stores[start:] + stores[:start]
    states = [_Store(s, due.due(now, s)) for s in stores]
    hungry, left = states, budget
    while hungry and left > 0:
        share = max(1, left // len(hungry))
        for store in hungry:
            if time_left_ms() < reserve_ms or left <= 0:
                return _result(states, budget - left, complete=False)
            sent = _serve(store, min(share, left), queue, now)
            left -= sent
            store.exhausted = store.failed or sent < share
        hungry = [s for s in hungry if not s.exhausted]
    return _result(states, budget - left, complete=not hungry)


def _serve(store: _Store, count: int, queue: MessageQueue, now: datetime) -> int:
    """Enqueue up to `count` of the store's due renewals. One store's failure (an unreadable
    row, a refused send) ends only its own turn: what it did not send stays due for the next
    run, and the other stores are served as usual."""
    try:
        rows = list(islice(store.rows, count))
        if rows:
            queue.send_batch([_body(d) for d in rows])
    except Exception:
        logger.exception("renewal sweep of a store failed", store_hash=store.store_hash)
        store.failed = True
        return 0
    store.overdue += sum(1 for d in rows if d.due_at <= now - STUCK_AFTER)
    store.sent += len(rows)
    return len(rows)


def _body(d: DueSubscription) -> str:
    return RenewSubscription(
        store_hash=d.store_hash, subscription_id=d.subscription_id, cycle=d.cycle
    ).model_dump_json()


def _result(states: list[_Store], sent: int, *, complete: bool) -> SweepResult:
    per_store = {s.store_hash: s.sent for s in states if s.sent}
    overdue = sum(s.overdue for s in states)
    failed = sum(1 for s in states if s.failed)
    return SweepResult(
        sent, len(states), complete and not failed, per_store, overdue, failed_stores=failed
    )
