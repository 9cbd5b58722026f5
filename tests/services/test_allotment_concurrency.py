"""Concurrent debits of one grant are exact: each lands once on the balance it read, or is
refused, however the writers interleave (the in-memory store checks versions as DynamoDB does)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal

from bc_subscriptions.adapters.clock import FixedClock
from bc_subscriptions.adapters.memory import MemoryStore
from bc_subscriptions.adapters.memory.allotments import MemoryAllotments
from bc_subscriptions.domain.allotments import (
    AllotmentUnit,
    DebitSource,
    GrantedBy,
    InsufficientBalance,
)
from bc_subscriptions.ports.allotment_storage import GrantChange, GrantRecord
from bc_subscriptions.ports.storage import ConcurrencyConflict
from bc_subscriptions.services.allotments import (
    AllotmentDeps,
    NewGrant,
    debit_allotment,
    grant_allotment,
)

NOW = datetime(2026, 5, 1, tzinfo=UTC)


class RacingAllotments(MemoryAllotments):
    """Every writer's first read waits until all of them have read: they all hold the same
    version, so the race is certain, not left to the scheduler. Lost writes are counted."""

    def __init__(self, store: MemoryStore, writers: int) -> None:
        super().__init__(store)
        self.conflicts = 0
        self._lock = threading.Lock()
        self._all_read = threading.Barrier(writers)
        self._first = threading.local()

    def get(self, store_hash: str, grant_id: str) -> GrantRecord | None:
        record = super().get(store_hash, grant_id)
        if getattr(self._first, "done", False) is False and self.racing:
            self._first.done = True
            self._all_read.wait(timeout=10)
        return record

    racing = False

    def write(self, change: GrantChange) -> None:
        try:
            super().write(change)
        except ConcurrencyConflict:
            with self._lock:
                self.conflicts += 1
            raise


def _deps(grants: MemoryAllotments) -> AllotmentDeps:
    ids = iter(range(1, 10_000))
    lock = threading.Lock()

    def new_id(prefix: str) -> str:
        with lock:
            return f"{prefix}_{next(ids):05d}"

    # The store defines no custom fields.
    return AllotmentDeps(
        grants=grants, clock=FixedClock(NOW), new_id=new_id, custom_fields=lambda _: []
    )


def test_fifty_racing_debits_of_a_thirty_unit_grant_let_exactly_thirty_through() -> None:
    # Given a grant of 30 counts, and fifty writers who all read it before any writes
    grants = RacingAllotments(MemoryStore(), writers=50)
    deps = _deps(grants)
    request = NewGrant(
        customer_id=5,
        unit=AllotmentUnit.COUNT,
        amount_per_period=Decimal(30),
        granted_by=GrantedBy(kind="merchant", id="1"),
    )
    grant = grant_allotment("store1", request, deps=deps, bc=None)
    grants.racing = True

    def one(n: int) -> str:
        try:
            debit_allotment(
                "store1",
                grant.id,
                amount=Decimal(1),
                source=DebitSource(kind="order", id=str(1000 + n)),
                deps=deps,
            )
        except InsufficientBalance:
            return "refused"
        return "debited"

    # When fifty debits of 1 start at once
    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(one, range(50)))
    grants.racing = False
    # Then thirty landed, twenty were refused, and the balance is exactly zero
    assert (outcomes.count("debited"), outcomes.count("refused")) == (30, 20)
    record = grants.get("store1", grant.id)
    assert record is not None and record.grant.balance == Decimal(0)
    assert len(grants.debits("store1", grant.id, limit=100)) == 30
    assert record.version == 31  # the grant, then one write per debit
    assert grants.conflicts >= 49  # the first round: one of the fifty won
