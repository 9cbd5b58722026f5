"""The sweep's fair share: every store with something due gets its turn in every run."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import count

from bc_subscriptions.domain.api_budget import ApiBudget
from bc_subscriptions.ports.storage import DueSubscription
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_sweep import RUN_PERIOD_S, sweep_due_renewals

from .factories import NOW


class _Due:
    """Due renewals per store; `None` means endless (a store with a million due)."""

    def __init__(self, due: dict[str, int | None]) -> None:
        self._due = due
        self.read: dict[str, int] = dict.fromkeys(due, 0)

    def stores(self) -> list[str]:
        return list(self._due)

    def due(self, now: object, store_hash: str) -> Iterator[DueSubscription]:
        n = self._due[store_hash]
        for i in count() if n is None else range(n):
            self.read[store_hash] += 1
            yield DueSubscription(store_hash, f"sub_{store_hash}_{i}", 2, NOW)


class _Queue:
    def __init__(self) -> None:
        self.sent: list[RenewSubscription] = []
        self.delays: dict[str, list[int]] = {}

    def send_batch(self, bodies: list[str], delays_s: list[int] | None = None) -> int:
        messages = [RenewSubscription.from_json(b) for b in bodies]
        self.sent += messages
        for m, delay in zip(messages, delays_s or [0] * len(bodies), strict=True):
            self.delays.setdefault(m.store_hash, []).append(delay)
        return len(bodies)

    def per_store(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for m in self.sent:
            counts[m.store_hash] = counts.get(m.store_hash, 0) + 1
        return counts


def test_a_store_with_endless_due_renewals_cannot_starve_the_others() -> None:
    # Given one store with "a million" due and two small ones
    due, queue = _Due({"big": None, "small": 7, "tiny": 1}), _Queue()
    # When a run with a budget of 300 sweeps
    result = sweep_due_renewals(NOW, due=due, queue=queue, budget=300)
    # Then the small stores are served in full and the big one takes the rest
    assert queue.per_store() == {"big": 292, "small": 7, "tiny": 1}
    assert result.enqueued == 300 and not result.complete
    # And the big store was read only as far as it was served (lazily, no scan)
    assert due.read["big"] == 292


def test_the_budget_is_split_evenly_between_busy_stores() -> None:
    # Given / When
    queue = _Queue()
    sweep_due_renewals(NOW, due=_Due({"a": None, "b": None, "c": None}), queue=queue, budget=30)
    # Then
    assert queue.per_store() == {"a": 10, "b": 10, "c": 10}


def test_everything_due_within_the_budget_is_enqueued_once_and_the_run_completes() -> None:
    # Given / When
    queue = _Queue()
    result = sweep_due_renewals(NOW, due=_Due({"a": 4, "b": 0, "c": 2}), queue=queue)
    # Then
    assert result.complete and result.enqueued == 6 and result.stores == 3
    assert len({(m.store_hash, m.subscription_id) for m in queue.sent}) == 6


def test_a_run_short_of_time_stops_and_the_next_run_starts_at_another_store() -> None:
    # Given a run that has time for one store only
    ticks = iter([60_000, 0, 0, 0])
    stores = {"a": None, "b": None, "c": None}
    first, second = _Queue(), _Queue()
    # When it runs, and the next scheduled run has the same problem
    result = sweep_due_renewals(
        NOW, due=_Due(stores), queue=first, budget=30, time_left_ms=lambda: next(ticks)
    )
    ticks = iter([60_000, 0, 0, 0])
    later = NOW + timedelta(seconds=RUN_PERIOD_S)
    sweep_due_renewals(
        later, due=_Due(stores), queue=second, budget=30, time_left_ms=lambda: next(ticks)
    )
    # Then each stopped early, and each served a different store
    assert not result.complete
    assert len(first.per_store()) == len(second.per_store()) == 1
    assert first.per_store() != second.per_store()


def test_nothing_installed_means_nothing_to_do() -> None:
    # Given / When
    result = sweep_due_renewals(NOW, due=_Due({}), queue=_Queue())
    # Then
    assert (result.enqueued, result.stores, result.complete) == (0, 0, True)


class _DueAt:
    """One store whose due renewals fell due at the given times."""

    def __init__(self, due_at: list[datetime]) -> None:
        self._due_at = due_at

    def stores(self) -> list[str]:
        return ["s"]

    def due(self, now: object, store_hash: str) -> Iterator[DueSubscription]:
        for i, at in enumerate(self._due_at):
            yield DueSubscription(store_hash, f"sub_{i}", 2, at)


def test_renewals_due_for_more_than_an_hour_are_counted_as_stuck() -> None:
    # Given renewals due just now, 59 minutes ago, an hour ago and a day ago
    due = _DueAt(
        [NOW, NOW - timedelta(minutes=59), NOW - timedelta(minutes=60), NOW - timedelta(days=1)]
    )
    # When the sweep runs
    result = sweep_due_renewals(NOW, due=due, queue=_Queue())
    # Then all four are enqueued and the two due an hour or more ago count as stuck
    assert result.enqueued == 4
    assert result.overdue == 2


class _BrokenStore(_Due):
    """A store whose due rows cannot be read (or, alike, whose messages cannot be sent)."""

    def due(self, now: object, store_hash: str) -> Iterator[DueSubscription]:
        if store_hash == "broken":
            raise ValueError("a due row we cannot read")
        yield from super().due(now, store_hash)


def test_one_store_whose_due_renewals_cannot_be_read_does_not_stop_the_others() -> None:
    # Given a store that fails between two that have renewals due
    due, queue = _BrokenStore({"a": 3, "broken": 5, "c": 2}), _Queue()
    # When the sweep runs
    result = sweep_due_renewals(NOW, due=due, queue=queue, budget=300)
    # Then the other stores were served in full, and the failure was counted
    assert queue.per_store() == {"a": 3, "c": 2}
    assert (result.enqueued, result.failed_stores, result.complete) == (5, 1, False)


# -- pacing by each store's BigCommerce budget -------------------------------------------------

PRO, STANDARD = ApiBudget(rest_quota=450, share=0.6), ApiBudget(rest_quota=150, share=0.6)


def _pace(store_hash: str) -> ApiBudget:
    return PRO if store_hash.startswith("pro") else STANDARD


def test_a_big_backlog_is_sent_only_as_far_as_the_store_can_renew_before_the_next_run() -> None:
    # Given a Pro store with "a million" due and a Standard store with 1,000
    due, queue = _Due({"pro": None, "std": 1000}), _Queue()
    # When a paced run sweeps
    result = sweep_due_renewals(NOW, due=due, queue=queue, pace=_pace)
    # Then each got five minutes at its rate (3 and 1 renewals a second: 3 REST calls each
    # within 60% of 450 or 150 per 30 s), no more
    assert queue.per_store() == {"pro": 900, "std": 300}
    assert not result.complete
    # And the messages are spread evenly over the five minutes, starting now
    pro = queue.delays["pro"]
    assert pro[0] == 0 and max(pro) == 299 and pro == sorted(pro)
    assert {pro.count(second) for second in set(pro)} == {3}
    # And the store's backlog was read only as far as it was sent (plus one window ahead)
    assert due.read["pro"] <= 900 + 91
    # And the message names the quota it was paced by
    assert {m.paced_quota for m in queue.sent} == {450, 150}


def test_a_store_with_no_more_due_than_one_window_allows_sends_them_without_delays() -> None:
    # Given a Standard store with 30 due (30 x 3 calls fit 60% of 150 requests)
    queue = _Queue()
    # When
    result = sweep_due_renewals(NOW, due=_Due({"std": 30}), queue=queue, pace=_pace)
    # Then
    assert queue.delays["std"] == [0] * 30 and result.complete


def test_a_store_with_one_more_than_a_window_allows_is_spread() -> None:
    # Given / When
    queue = _Queue()
    sweep_due_renewals(NOW, due=_Due({"std": 31}), queue=queue, pace=_pace)
    # Then: one a second
    assert queue.delays["std"] == list(range(31))


def test_the_paced_big_store_takes_no_more_of_a_run_than_its_allowance_whatever_the_budget() -> (
    None
):
    # Given one Pro store with endless due beside 99 Standard stores with 1,000 each
    stores: dict[str, int | None] = {"pro": None} | {f"std{i}": 1000 for i in range(99)}
    queue = _Queue()
    # When
    sweep_due_renewals(NOW, due=_Due(stores), queue=queue, pace=_pace)
    # Then every store got its full allowance in the same run
    per_store = queue.per_store()
    assert per_store.pop("pro") == 900
    assert set(per_store.values()) == {300} and len(per_store) == 99


def test_a_store_whose_budget_cannot_be_read_is_skipped_and_the_others_are_served() -> None:
    # Given a budget lookup failing for one store
    def pace(store_hash: str) -> ApiBudget:
        if store_hash == "bad":
            raise RuntimeError("config unreadable")
        return STANDARD

    queue = _Queue()
    # When
    result = sweep_due_renewals(NOW, due=_Due({"a": 3, "bad": 3}), queue=queue, pace=pace)
    # Then
    assert queue.per_store() == {"a": 3} and result.failed_stores == 1
