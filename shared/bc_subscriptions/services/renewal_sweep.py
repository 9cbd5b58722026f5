"""Find due subscriptions through the sparse DueIndex and enqueue one renewal each.

Fair share: each store has its own due partitions, and a run's budget is split evenly across
the stores with something due; what a quiet store leaves unused goes to the busy ones. A store
with a million due renewals therefore takes its turn like every other store instead of filling
the run. Nothing is marked as swept: what a run leaves (budget or time ran out) stays in the
index and the next run, which starts at another store, picks it up.

Paced by each store's BigCommerce budget (`pace`): a run sends a store at most what its share of
the REST quota (and the Payments limit) lets it renew before the next run, each message delayed
so they arrive evenly at that rate. A store with no more due than one window's share sends them
at once. So a store's backlog waits in the index, not in the queue, and never takes the workers
from the other stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from itertools import chain, islice
from typing import TYPE_CHECKING, Protocol, cast

import msgspec

from ..domain.api_budget import ApiBudget, per_run_allowance, spread_delays
from ..observability import logger
from .messages import RenewSubscription

if TYPE_CHECKING:
    from ..ports.queues import MessageQueue
    from ..ports.storage import DueSubscription

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


class SweepResult(msgspec.Struct, frozen=True):
    enqueued: int
    stores: int
    complete: bool  # False when the budget or the time ran out; the next run continues
    per_store: dict[str, int] = msgspec.field(default_factory=dict)
    overdue: int = 0  # of those enqueued, due more than STUCK_AFTER ago: stuck workflows
    failed_stores: int = 0


class PacedQueue(Protocol):
    def send_batch(self, bodies: list[str], delays_s: list[int] | None = None) -> int:
        """Send message bodies, each held back `delays_s[i]` seconds."""
        ...


class _Store(msgspec.Struct):
    store_hash: str
    rows: Iterator[DueSubscription]
    sent: int = 0
    overdue: int = 0
    exhausted: bool = False
    failed: bool = False
    budget: ApiBudget | None = None
    rate: float = 0.0  # renewals per second its budget allows
    allowance: int | None = None  # what this run may send it (None: unpaced)
    burst: bool = False  # its whole due fits one window's share: sent without delays

    @property
    def paced_out(self) -> bool:
        return self.allowance is not None and self.sent >= self.allowance


def sweep_due_renewals(
    now: datetime,
    *,
    due: DueReader,
    queue: MessageQueue,
    # Enough for every store's allowance on a busy day (a Pro store 900 a run, a Standard one
    # 300; one Pro and 99 Standard stores 30,600): about 4,000 batch sends in the run's minute.
    budget: int = 40_000,
    time_left_ms: Callable[[], int] = lambda: 60_000,
    reserve_ms: int = 5_000,
    pace: Callable[[str], ApiBudget] | None = None,
) -> SweepResult:
    """Enqueue due renewals, an even share per store per round, until done, budget or time;
    with `pace` (a store's budget), each store at most its allowance, spread by delays."""
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
            asked = min(share, left)
            sent = _serve(store, asked, queue, now, pace)
            left -= sent
            store.exhausted = store.failed or store.paced_out or sent < share
        hungry = [s for s in hungry if not s.exhausted]
    paced_out = any(s.paced_out for s in states)
    return _result(states, budget - left, complete=not hungry and not paced_out)


def _serve(
    store: _Store,
    count: int,
    queue: MessageQueue,
    now: datetime,
    pace: Callable[[str], ApiBudget] | None,
) -> int:
    """Enqueue up to `count` of the store's due renewals. One store's failure (an unreadable
    row, its budget unreadable, a refused send) ends only its own turn: what it did not send
    stays due for the next run, and the other stores are served as usual."""
    try:
        if pace is not None and store.budget is None:
            _budget(store, pace(store.store_hash))
        if store.allowance is not None:
            count = min(count, store.allowance - store.sent)
        rows = list(islice(store.rows, count))
        if rows and (budget := store.budget) is None:
            queue.send_batch([_body(d) for d in rows])
        elif rows and budget is not None:
            paced = cast(PacedQueue, queue)  # a sweep given `pace` is given a queue that delays
            bodies = [_body(d, budget.rest_quota) for d in rows]
            delays = spread_delays(len(rows), store.rate, first=store.sent)
            paced.send_batch(bodies, [0] * len(rows) if store.burst else delays)
    except Exception:
        logger.exception("renewal sweep of a store failed", store_hash=store.store_hash)
        store.failed = True
        return 0
    store.overdue += sum(1 for d in rows if d.due_at <= now - STUCK_AFTER)
    store.sent += len(rows)
    return len(rows)


def _budget(store: _Store, budget: ApiBudget) -> None:
    """The store's pace for this run; its first rows are read ahead to see whether its whole
    due fits one window's share (then no delays are needed)."""
    store.budget, store.rate = budget, budget.renewals_per_second()
    store.allowance = per_run_allowance(store.rate, RUN_PERIOD_S)
    window = max(1, int(store.rate * budget.rest_window_s))
    ahead = list(islice(store.rows, window + 1))
    store.burst = len(ahead) <= window
    store.rows = chain(ahead, store.rows)


def _body(d: DueSubscription, paced_quota: int | None = None) -> str:
    return RenewSubscription(
        store_hash=d.store_hash,
        subscription_id=d.subscription_id,
        cycle=d.cycle,
        paced_quota=paced_quota,
    ).to_json()


def _result(states: list[_Store], sent: int, *, complete: bool) -> SweepResult:
    per_store = {s.store_hash: s.sent for s in states if s.sent}
    overdue = sum(s.overdue for s in states)
    failed = sum(1 for s in states if s.failed)
    return SweepResult(
        sent, len(states), complete and not failed, per_store, overdue, failed_stores=failed
    )
