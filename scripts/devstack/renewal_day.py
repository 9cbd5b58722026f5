"""A renewal day on virtual time: a discrete-event simulation of sweep, queue and workers.

Real code: the renewal sweep (`sweep_due_renewals`, paced by each store's `ApiBudget`), the
worker's pacing (`RateLimits`, one per Lambda container as in AWS, and the session's 429 waits:
`retry_after_ms`, its backoff, its attempts) and BigCommerce's limits as the emulator enforces
them (`StoreLimits` over `RateWindows`). Measured elsewhere on the real workflow and passed in:
the calls one renewal makes on each host. Modelled: time, SQS (delays, batches, a failed
message's return after its visibility timeout), Lambda (a concurrency cap, warm containers),
BigCommerce's latencies, DynamoDB's time, and the store's other apps (even traffic).
"""

from __future__ import annotations

import heapq
import itertools
import json
from collections import deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from bc_subscriptions.adapters.bigcommerce.rate_limit import MAX_WAIT_S, RateLimits, retry_after_ms
from bc_subscriptions.adapters.bigcommerce.session import _BACKOFF
from bc_subscriptions.domain.api_budget import ApiBudget
from bc_subscriptions.ports.storage import DueSubscription
from bc_subscriptions.services.renewal_sweep import RUN_PERIOD_S, sweep_due_renewals

from .bc_emulator.ratelimit import PLAN_QUOTAS, RateWindows, StoreLimits

DUE_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
Steps = Generator[float, None, bool]


@dataclass(frozen=True)
class DayConfig:
    stores: tuple[tuple[str, str, int], ...]  # (store hash, plan, renewals due)
    rest_calls: int = 4  # per renewal, on the REST quota (measured)
    payment_calls: int = 1  # per renewal, on the payments host (measured)
    share: float = 0.6  # the tenant default
    other_apps_share: float = 0.3  # of the quota, spent evenly by the store's other apps
    concurrency: int = 10  # the worker's cap (template)
    batch_size: int = 10  # messages per invocation (template)
    visibility_s: float = 360  # a failed message comes back after this (template)
    max_attempts: int = 3  # the BigCommerce client's
    rest_latency_s: float = 0.25
    payment_latency_s: float = 1.0
    ddb_s: float = 0.12  # a renewal's DynamoDB requests, end to end
    duplicate_s: float = 0.02  # a message for a renewal done or in progress: a read, no calls


@dataclass
class _Store:
    store_hash: str
    quota: int
    due: int
    done: set[int] = field(default_factory=set)
    busy: set[int] = field(default_factory=set)
    resume_at_call: dict[int, int] = field(default_factory=dict)
    first_open: int = 0
    finished_s: float | None = None
    others_next_s: float = 0.0
    others_calls: int = 0
    others_429: int = 0


@dataclass
class DayResult:
    finished_s: dict[str, float]
    calls: int
    rate_limited: int
    others_calls: int
    others_429: int
    peak_concurrency: int
    renewals: int
    duplicates: int
    returned: int  # messages that failed (attempts exhausted) and came back
    sweeps: int
    virtual_s: float


class _Container:
    """One warm Lambda container: its own client, so its own memory of each store's headers."""

    def __init__(self, day: RenewalDay) -> None:
        self.waited = 0.0
        self.limits = RateLimits(self._sleep, clock=lambda: day.now)

    def _sleep(self, seconds: float) -> None:
        self.waited += seconds  # the simulation passes the time


class RenewalDay:
    def __init__(self, cfg: DayConfig) -> None:
        self.cfg, self.now = cfg, 0.0
        self.windows = RateWindows(clock_ms=lambda: self._at_ms)
        self._at_ms = 0.0
        self.limits = StoreLimits(self.windows)
        self.stores: dict[str, _Store] = {}
        for store_hash, plan, due in cfg.stores:
            self.limits.plans[store_hash] = plan
            self.stores[store_hash] = _Store(store_hash, PLAN_QUOTAS[plan], due)
        self.sequence = ["rest"] * max(cfg.rest_calls - 1, 0) + ["payments"] * cfg.payment_calls
        self.sequence += ["rest"] if cfg.rest_calls else []
        self._events: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._ready: deque[tuple[str, int]] = deque()
        self._idle: list[_Container] = []
        self.busy = 0
        self.result = DayResult({}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0)

    # -- the event loop ---------------------------------------------------------------------
    def run(self) -> DayResult:
        self._at(0.0, self._sweep)
        while self._events:
            self.now, _, action = heapq.heappop(self._events)
            action()
        self.result.virtual_s = self.now
        self.result.finished_s = {
            s.store_hash: s.finished_s or float("inf") for s in self.stores.values()
        }
        self.result.others_calls = sum(s.others_calls for s in self.stores.values())
        self.result.others_429 = sum(s.others_429 for s in self.stores.values())
        return self.result

    def _at(self, when: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._events, (when, next(self._order), action))

    def _step(self, process: Steps) -> None:
        try:
            wait = next(process)
        except StopIteration:
            return
        self._at(self.now + wait, lambda: self._step(process))

    # -- the sweep (real) and SQS (modelled) ---------------------------------------------------
    def _sweep(self) -> None:
        open_stores = [s for s in self.stores.values() if s.finished_s is None]
        if not open_stores:
            return
        self.result.sweeps += 1
        sweep_due_renewals(
            DUE_AT + timedelta(seconds=self.now),
            due=_Due(open_stores),
            queue=self,
            pace=lambda h: ApiBudget(rest_quota=self.stores[h].quota, share=self.cfg.share),
        )
        self._at(self.now + RUN_PERIOD_S, self._sweep)

    def send_batch(self, bodies: list[str], delays_s: list[int] | None = None) -> int:
        for body, delay in zip(bodies, delays_s or [0] * len(bodies), strict=True):
            message = json.loads(body)
            self._visible_at(
                self.now + delay, (message["store_hash"], int(message["subscription_id"]))
            )
        return len(bodies)

    def _visible_at(self, when: float, message: tuple[str, int]) -> None:
        def arrive() -> None:
            self._ready.append(message)
            self._dispatch()

        self._at(when, arrive)

    # -- Lambda (modelled) ------------------------------------------------------------------
    def _dispatch(self) -> None:
        while self._ready and self.busy < self.cfg.concurrency:
            size = min(self.cfg.batch_size, len(self._ready))
            batch = [self._ready.popleft() for _ in range(size)]
            container = self._idle.pop() if self._idle else _Container(self)
            self.busy += 1
            self.result.peak_concurrency = max(self.result.peak_concurrency, self.busy)
            self._step(self._invocation(container, batch))

    def _invocation(self, container: _Container, batch: list[tuple[str, int]]) -> Steps:
        for store_hash, sub in batch:
            yield from self._renewal(container, self.stores[store_hash], sub)
        self.busy -= 1
        self._idle.append(container)
        self._dispatch()
        return True

    def _renewal(self, container: _Container, store: _Store, sub: int) -> Steps:
        if sub in store.done or sub in store.busy:
            self.result.duplicates += 1
            yield self.cfg.duplicate_s
            return True
        store.busy.add(sub)
        yield self.cfg.ddb_s / 2
        for i in range(store.resume_at_call.pop(sub, 0), len(self.sequence)):
            if not (yield from self._call(container, store, self.sequence[i])):
                # The worker's record failed: SQS hands it out again after its visibility
                # timeout, and the workflow resumes at the stage it had recorded.
                store.busy.discard(sub)
                store.resume_at_call[sub] = i
                self.result.returned += 1
                self._visible_at(self.now + self.cfg.visibility_s, (store.store_hash, sub))
                return False
        yield self.cfg.ddb_s / 2
        store.busy.discard(sub)
        store.done.add(sub)
        self.result.renewals += 1
        if len(store.done) == store.due:
            store.finished_s = self.now
        return True

    def _call(self, container: _Container, store: _Store, host: str) -> Steps:
        """One BigCommerce call as the session makes it: pace, send, observe, 429 waits."""
        latency = self.cfg.payment_latency_s if host == "payments" else self.cfg.rest_latency_s
        for attempt in range(1, self.cfg.max_attempts + 1):
            container.waited = 0.0
            container.limits.wait_if_exhausted(store.store_hash)
            if container.waited:
                yield container.waited
            self._other_apps_until(store, self.now)
            self._at_ms = self.now * 1000
            allowed, headers = self.limits.admit(
                store.store_hash, payments=host == "payments", default_quota=store.quota
            )
            self.result.calls += 1
            yield latency
            if allowed:
                container.limits.observe(store.store_hash, headers)
                return True
            self.result.rate_limited += 1
            container.limits.forget(store.store_hash)
            if attempt == self.cfg.max_attempts:
                return False
            wait_ms = retry_after_ms(headers)
            if wait_ms is None:
                yield float(_BACKOFF(SimpleNamespace(attempt_number=attempt)))  # type: ignore[arg-type]
            else:
                yield min(wait_ms / 1000, MAX_WAIT_S)
        return False

    def _other_apps_until(self, store: _Store, until_s: float) -> None:
        """The store's other apps' requests up to now, each at its own time, in order."""
        rate = self.cfg.other_apps_share * store.quota / 30
        if rate <= 0:
            return
        while store.others_next_s <= until_s:
            self._at_ms = store.others_next_s * 1000
            allowed, _ = self.limits.admit(
                store.store_hash, payments=False, default_quota=store.quota
            )
            store.others_calls += 1
            store.others_429 += 0 if allowed else 1
            store.others_next_s += 1 / rate


class _Due:
    """The due index as the sweep reads it: each store's renewals not finished yet, in order
    (those in the queue or in progress included: the index keeps them until they are done)."""

    def __init__(self, stores: list[_Store]) -> None:
        self._stores = {s.store_hash: s for s in stores}

    def stores(self) -> list[str]:
        return list(self._stores)

    def due(self, now: datetime, store_hash: str) -> Iterator[DueSubscription]:
        store = self._stores[store_hash]
        while store.first_open in store.done:
            store.first_open += 1
        for sub in range(store.first_open, store.due):
            if sub not in store.done:
                yield DueSubscription(store_hash, str(sub), 2, DUE_AT)
