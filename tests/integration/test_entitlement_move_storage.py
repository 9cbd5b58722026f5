"""A membership's move to a new beneficiary lands in one transaction on both units of work (in
memory and DynamoDB on moto): the entitlement, its two events, both customers' ledgers and a
work item for each, so BigCommerce being down leaves the whole move for the sweep."""

from __future__ import annotations

from typing import Any

from bc_subscriptions.adapters.clock import FixedClock
from bc_subscriptions.adapters.dynamodb.entitlements import (
    DynamoEntitlements,
    DynamoEntitlementWork,
)
from bc_subscriptions.adapters.memory import MemoryOpsEvents
from bc_subscriptions.adapters.memory.entitlements import (
    MemoryEntitlements,
    MemoryEntitlementWork,
)
from bc_subscriptions.domain import subscription_actors
from bc_subscriptions.domain.actors import Role
from bc_subscriptions.domain.entitlements import (
    Entitlement,
    EntitlementStatus,
    GroupLedger,
    PlanEntitlement,
    Signal,
)
from bc_subscriptions.ports.entitlements import EntitlementRepository, EntitlementWork
from bc_subscriptions.ports.storage import UnitOfWork
from bc_subscriptions.services.entitlement_moves import follow_beneficiary
from bc_subscriptions.services.entitlement_sync import EntitlementDeps

from ..unit.factories import NOW, subscription
from .test_storage_contract import Backend, backend  # noqa: F401 (the two backends)

OWNER, FRIEND, MEMBERS, RETAIL = 7, 8, 70, 10


class _Down:
    """BigCommerce answering nothing."""

    def __getattr__(self, name: str) -> Any:
        def down(*_args: Any) -> Any:
            raise ConnectionError("BigCommerce is down")

        return down


class _NoPlans:
    def plans_for(self, *_args: Any) -> dict[int, Any]:
        return {}


def _repo(b: Backend, uow: UnitOfWork) -> EntitlementRepository:
    return DynamoEntitlements(uow) if b.name == "dynamodb" else MemoryEntitlements(uow)


def _work(b: Backend, uow: Any) -> EntitlementWork:
    return DynamoEntitlementWork() if b.name == "dynamodb" else MemoryEntitlementWork(uow.store)


def _member(b: Backend) -> str:
    """A subscription whose owner holds an active membership, applied at BigCommerce."""
    sub = subscription(customer_id=OWNER)
    grant = PlanEntitlement(key="members", customer_group_id=MEMBERS)
    ent = Entitlement.pending(
        sub.store_hash, sub.id, grant, holder=OWNER, cancel_grace_days=0, now=NOW
    )
    ent.follow(Signal.PAID, seq=1, now=NOW)
    ledger = GroupLedger(store_hash=sub.store_hash, customer_id=OWNER)
    ledger.hold(ent)
    ledger.before_move(RETAIL, MEMBERS)
    ledger.settled(MEMBERS)
    with b.uow() as uow:
        uow.subscriptions.add(sub)
        repo = _repo(b, uow)
        repo.add(ent)
        repo.add_ledger(ledger)
        uow.commit()
    return sub.id


def test_a_move_lands_whole_and_waits_for_the_sweep_while_bigcommerce_is_down(
    backend: Backend,  # noqa: F811
) -> None:
    # Given a member, and the merchant naming a friend the beneficiary
    sub_id = _member(backend)
    with backend.uow() as uow:
        sub = uow.subscriptions.get("store1", sub_id)
        assert sub is not None
        subscription_actors.add_actor(sub, FRIEND, Role.BENEFICIARY, NOW)
        uow.subscriptions.save(sub)
        uow.commit()
    deps = EntitlementDeps(
        uow=backend.uow,
        repo=lambda uow: _repo(backend, uow),
        work=_work(backend, backend.uow()),
        provider=_Down(),
        plans=_NoPlans(),
        ops=MemoryOpsEvents(),
        clock=FixedClock(NOW),
    )
    # When the actor event is followed twice while BigCommerce is down
    outcomes = [follow_beneficiary(deps, "store1", sub_id) for _ in range(2)]
    # Then the move landed once: the friend holds it, both ledgers wait with a work item each
    assert outcomes == ["followed", "unchanged"]
    with backend.uow() as uow:
        repo = _repo(backend, uow)
        [ent] = repo.for_subscription("store1", sub_id)
        assert (ent.holder_customer_id, ent.status) == (FRIEND, EntitlementStatus.ACTIVE)
        old, new = repo.ledger("store1", OWNER), repo.ledger("store1", FRIEND)
        assert old is not None and old.pending and not old.holdings and old.wanted() == RETAIL
        assert new is not None and new.pending and new.wanted() == MEMBERS
        assert {i.customer_id for i in _work(backend, uow).outstanding("store1", 10)} == {
            OWNER,
            FRIEND,
        }
    moved = [e.type for e in backend.events("store1", sub_id) if e.type.startswith("entitl")]
    assert moved == ["entitlement.revoked", "entitlement.granted"]
