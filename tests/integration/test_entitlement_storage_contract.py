"""The entitlement storage port, held to one contract on both units of work (the storage
contract's backends: in memory and DynamoDB on moto)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bc_subscriptions.adapters.dynamodb.entitlements import (
    DynamoEntitlements,
    DynamoEntitlementWork,
)
from bc_subscriptions.adapters.memory.entitlements import (
    MemoryEntitlements,
    MemoryEntitlementWork,
)
from bc_subscriptions.domain.entitlements import (
    Entitlement,
    EntitlementStatus,
    GroupLedger,
    PlanEntitlement,
    Signal,
)
from bc_subscriptions.domain.subscription_entitlements import record_entitlement
from bc_subscriptions.ports.entitlements import EntitlementRepository, EntitlementWork, WorkItem
from bc_subscriptions.ports.storage import ConcurrencyConflict, UnitOfWork

from ..unit.factories import NOW, subscription
from .test_storage_contract import Backend, backend  # noqa: F401 (the two backends)


def _repo(b: Backend, uow: UnitOfWork) -> EntitlementRepository:
    return DynamoEntitlements(uow) if b.name == "dynamodb" else MemoryEntitlements(uow)


def _work(b: Backend, uow: Any) -> EntitlementWork:
    if b.name == "dynamodb":
        return DynamoEntitlementWork()
    return MemoryEntitlementWork(uow.store)


def _ent(sub_id: str, key: str = "members", store_hash: str = "store1") -> Entitlement:
    grant = PlanEntitlement(key=key, customer_group_id=7)
    return Entitlement.pending(store_hash, sub_id, grant, holder=42, cancel_grace_days=0, now=NOW)


def _stored_subscription(b: Backend, store_hash: str = "store1") -> str:
    sub = subscription(store_hash=store_hash)
    with b.uow() as uow:
        uow.subscriptions.add(sub)
        uow.commit()
    return sub.id


def test_entitlements_land_with_their_subscription_and_read_back_per_subscription(
    backend: Backend,  # noqa: F811
) -> None:
    # Given a subscription
    sub_id = _stored_subscription(backend)
    # When two entitlements and the holder's ledger are committed with a change of it
    with backend.uow() as uow:
        repo = _repo(backend, uow)
        sub = uow.subscriptions.get("store1", sub_id)
        assert sub is not None
        gold, silver = _ent(sub_id, "gold"), _ent(sub_id, "silver")
        gold.follow(Signal.PAID, seq=1, now=NOW)
        repo.add(gold)
        repo.add(silver)
        ledger = GroupLedger(store_hash="store1", customer_id=42)
        ledger.hold(gold)
        repo.add_ledger(ledger)
        record_entitlement(sub, "entitlement.granted", NOW, gold.event_data("subscription.created"))
        uow.subscriptions.save(sub)
        # Then nothing shows before the commit
        assert _repo(backend, backend.uow()).for_subscription("store1", sub_id) == []
        uow.commit()
    # And everything after it, the ledger and the event too
    with backend.uow() as uow:
        repo = _repo(backend, uow)
        read = repo.for_subscription("store1", sub_id)
        assert [(e.key, e.status) for e in read] == [
            ("gold", EntitlementStatus.ACTIVE),
            ("silver", EntitlementStatus.PENDING),
        ]
        stored = repo.ledger("store1", 42)
        assert stored is not None and stored.winner() == 7
        assert repo.ledger("store2", 42) is None
    assert [e.type for e in backend.events("store1", sub_id)][-1] == "entitlement.granted"


def test_concurrent_saves_of_one_ledger_conflict_and_nothing_of_the_loser_lands(
    backend: Backend,  # noqa: F811
) -> None:
    # Given a ledger
    with backend.uow() as uow:
        _repo(backend, uow).add_ledger(GroupLedger(store_hash="store1", customer_id=42))
        uow.commit()
    first, second = backend.uow(), backend.uow()
    a, b = _repo(backend, first), _repo(backend, second)
    mine, theirs = a.ledger("store1", 42), b.ledger("store1", 42)
    assert mine is not None and theirs is not None
    # When both save, and the loser also marks work
    mine.original_group_id = 1
    a.save_ledger(mine)
    first.commit()
    theirs.original_group_id = 2
    b.save_ledger(theirs)
    b.mark(WorkItem("store1", customer_id=42))
    # Then the second conflicts and its work item never lands
    with pytest.raises(ConcurrencyConflict):
        second.commit()
    with backend.uow() as uow:
        final = _repo(backend, uow).ledger("store1", 42)
        assert final is not None and final.original_group_id == 1
        assert _work(backend, uow).outstanding("store1", 10) == []


def test_adding_an_entitlement_that_exists_conflicts(backend: Backend) -> None:  # noqa: F811
    sub_id = _stored_subscription(backend)
    with backend.uow() as uow:
        _repo(backend, uow).add(_ent(sub_id))
        uow.commit()
    with backend.uow() as uow, pytest.raises(ConcurrencyConflict):
        _repo(backend, uow).add(_ent(sub_id))
        uow.commit()


def test_work_items_are_listed_per_store_and_cleared_outside_any_transaction(
    backend: Backend,  # noqa: F811
) -> None:
    # Given work for two stores
    due = NOW + timedelta(days=2)
    with backend.uow() as uow:
        repo = _repo(backend, uow)
        repo.mark(WorkItem("store1", customer_id=42))
        repo.mark(WorkItem("store1", subscription_id="sub_a", due_at=due))
        repo.mark(WorkItem("store2", customer_id=42))
        uow.commit()
    uow = backend.uow()
    work = _work(backend, uow)
    # When listed
    listed = work.outstanding("store1", 10)
    # Then each store sees only its own, the due time to the second
    assert sorted(listed, key=lambda w: w.customer_id or 0) == [
        WorkItem("store1", subscription_id="sub_a", due_at=due.replace(microsecond=0)),
        WorkItem("store1", customer_id=42),
    ]
    # And a cleared item is gone for good; clearing it again does nothing
    work.clear(WorkItem("store1", customer_id=42))
    work.clear(WorkItem("store1", customer_id=42))
    assert work.outstanding("store1", 10) == [
        WorkItem("store1", subscription_id="sub_a", due_at=due.replace(microsecond=0))
    ]
    assert work.outstanding("store2", 10) == [WorkItem("store2", customer_id=42)]
