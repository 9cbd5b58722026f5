"""The allotment refresh sweep: what is due is refreshed once per period, a store that fails
ends only its own turn, and what a run cannot finish stays due for the next."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bc_subscriptions.adapters.clock import FixedClock
from bc_subscriptions.adapters.memory import MemoryStore
from bc_subscriptions.adapters.memory.allotments import MemoryAllotmentDue, MemoryAllotments
from bc_subscriptions.domain.allotments import (
    AllotmentUnit,
    GrantedBy,
    RefreshCadence,
    Rollover,
)
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.ports.allotment_storage import GrantDue
from bc_subscriptions.services.allotment_refresh import sweep_allotment_refreshes
from bc_subscriptions.services.allotments import AllotmentDeps, NewGrant, grant_allotment

T0 = datetime(2026, 6, 1, 8, tzinfo=UTC)


class FailingStore(MemoryAllotmentDue):
    """The due rows of one store cannot be read."""

    def due(self, now: datetime, store_hash: str) -> Iterator[GrantDue]:
        if store_hash == "broken":
            raise RuntimeError("throttled")
        yield from super().due(now, store_hash)


def _world() -> tuple[MemoryStore, MemoryAllotments, AllotmentDeps]:
    store = MemoryStore()
    grants = MemoryAllotments(store)
    ids = iter(range(1, 1000))
    deps = AllotmentDeps(
        grants=grants,
        clock=FixedClock(T0),
        new_id=lambda p: f"{p}_{next(ids):04d}",
        custom_fields=lambda _: [],  # the store defines no custom fields
    )
    return store, grants, deps


def _weekly(store_hash: str, deps: AllotmentDeps) -> str:
    request = NewGrant(
        customer_id=3,
        unit=AllotmentUnit.COUNT,
        amount_per_period=Decimal(2),
        granted_by=GrantedBy(kind="merchant", id="1"),
        cadence=RefreshCadence(interval=Interval.WEEK),
        rollover=Rollover.ACCUMULATE,
    )
    return grant_allotment(store_hash, request, deps=deps, bc=None).id


def test_due_grants_are_refreshed_once_and_a_failing_store_does_not_stop_the_others() -> None:
    # Given weekly grants in two stores, and a third store whose rows cannot be read
    store, grants, deps = _world()
    ids = {s: _weekly(s, deps) for s in ("alpha", "beta", "broken")}
    due = FailingStore(store, shards=4)
    later = T0 + timedelta(weeks=2)
    # When the sweep runs two weeks on, twice
    first = sweep_allotment_refreshes(later, due=due, deps=deps)
    second = sweep_allotment_refreshes(later, due=due, deps=deps)
    # Then the readable stores' grants started both periods in the first run only
    assert (first.grants, first.periods, first.failed_stores, first.complete) == (2, 4, 1, False)
    assert (second.grants, second.periods) == (0, 0)
    for s in ("alpha", "beta"):
        record = grants.get(s, ids[s])
        assert record is not None and (record.grant.period, record.grant.balance) == (3, 6)
    broken = grants.get("broken", ids["broken"])
    assert broken is not None and broken.grant.period == 1  # still due for the next run


def test_a_run_out_of_time_leaves_the_rest_due() -> None:
    # Given two due grants and a run with no time left after the first
    store, _, deps = _world()
    for s in ("alpha", "beta"):
        _weekly(s, deps)
    budget = iter([60_000, 0, 0, 0])
    # When
    result = sweep_allotment_refreshes(
        T0 + timedelta(weeks=1),
        due=MemoryAllotmentDue(store),
        deps=deps,
        time_left_ms=lambda: next(budget),
    )
    # Then one was refreshed and the other stays in the refresh index
    assert (result.grants, result.complete) == (1, False)
    assert len(list(MemoryAllotmentDue(store).due(T0 + timedelta(weeks=1), "beta"))) == 1
