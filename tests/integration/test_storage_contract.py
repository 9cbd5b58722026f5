"""One contract, two units of work: the in-memory one must behave as the DynamoDB one does.

Every case runs against both (the DynamoDB one on moto), so a test that relies on the fake
relies on what DynamoDB does too.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TypeVar, cast

import msgspec
import pytest
from moto import mock_aws

from bc_subscriptions.adapters.dynamodb import keys
from bc_subscriptions.adapters.dynamodb.change_requests import DynamoChangeRequestReads
from bc_subscriptions.adapters.dynamodb.company_index import DynamoCompanySubscriptions
from bc_subscriptions.adapters.dynamodb.connection import shared_connection
from bc_subscriptions.adapters.dynamodb.event_items import stored_event
from bc_subscriptions.adapters.dynamodb.models import EventItem
from bc_subscriptions.adapters.dynamodb.open_authorizations import OpenAuthorizations
from bc_subscriptions.adapters.dynamodb.plan_cache import DynamoOpsEvents, DynamoPlanCache
from bc_subscriptions.adapters.dynamodb.removed_users import RemovedUsers
from bc_subscriptions.adapters.dynamodb.store_records import DueSubscriptions, Installs
from bc_subscriptions.adapters.dynamodb.subscription_reads import InvalidCursor, SubscriptionReads
from bc_subscriptions.adapters.dynamodb.unit_of_work import DynamoUnitOfWork
from bc_subscriptions.adapters.memory import (
    MemoryChangeRequestReads,
    MemoryDueSubscriptions,
    MemoryInstalls,
    MemoryOpenAuthorizations,
    MemoryOpsEvents,
    MemoryPlanCache,
    MemoryRemovedUsers,
    MemoryStore,
    MemorySubscriptionReads,
    MemoryUnitOfWork,
)
from bc_subscriptions.adapters.memory.company_index import MemoryCompanySubscriptions
from bc_subscriptions.domain.authorization import Authorization, AuthState
from bc_subscriptions.domain.change_requests import (
    ChangeKind,
    ChangeRequest,
    ChangeRequestSettings,
    Requester,
    RequestStatus,
)
from bc_subscriptions.domain.charge import Charge, Stage
from bc_subscriptions.domain.company import CompanyMembership
from bc_subscriptions.domain.custom_fields import CustomFieldDefinition
from bc_subscriptions.domain.declines import DeclineClass
from bc_subscriptions.domain.delivery import DeliveryInstance, DeliveryStatus
from bc_subscriptions.domain.dunning import DunningState, Next
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.record import from_data, to_json_data
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription import ActionLink, Subscription
from bc_subscriptions.domain.subscription_actors import change_payer
from bc_subscriptions.domain.subscription_cancels import cancel
from bc_subscriptions.domain.subscription_dunning import record_payment_failure
from bc_subscriptions.ports.change_requests import ChangeRequestReads, ChangeRequestUnitOfWork
from bc_subscriptions.ports.company_index import CompanySubscriptions
from bc_subscriptions.ports.storage import (
    CachedPlan,
    ConcurrencyConflict,
    CustomerLink,
    Install,
    OpsEvent,
    OrderLink,
    StoredEvent,
    UnitOfWork,
)
from bc_subscriptions.services.auth_expiry_sweep import AuthorizationIndex
from bc_subscriptions.services.renewal_sweep import DueReader
from devstack import template
from devstack.stack import TABLE_NAME

from ..unit.factories import NOW, subscription

_TEMPLATE = template.load_template()
T = TypeVar("T")


@dataclass
class Backend:
    name: str
    new: Callable[..., UnitOfWork]
    events: Callable[[str, str], list[StoredEvent]]
    due: Callable[[], DueReader]
    authorizations: Callable[[], AuthorizationIndex]
    installs: Callable[[], Installs | MemoryInstalls]
    removed_users: Callable[[], RemovedUsers | MemoryRemovedUsers]
    reads: Callable[[], SubscriptionReads | MemorySubscriptionReads]
    plan_cache: Callable[[], DynamoPlanCache | MemoryPlanCache]
    companies: Callable[[], CompanySubscriptions]
    change_request_reads: Callable[[], ChangeRequestReads]

    def uow(self, seal: Callable[[str, str], str] | None = None) -> UnitOfWork:
        return self.new(seal)


def _dynamodb_events(store_hash: str, subscription_id: str) -> list[StoredEvent]:
    rows = EventItem.query(
        keys.sub_pk(store_hash, subscription_id),
        EventItem.sk.startswith("EVENT#"),
        consistent_read=True,
    )
    return [stored_event(row) for row in rows]


@pytest.fixture(params=["memory", "dynamodb"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        store = MemoryStore()
        yield Backend(
            "memory",
            lambda seal: MemoryUnitOfWork(store, seal=seal),
            lambda store_hash, sub_id: store.events(store_hash, sub_id),
            lambda: MemoryDueSubscriptions(store, shards=4),
            lambda: MemoryOpenAuthorizations(store),
            _once(MemoryInstalls()),
            _once(MemoryRemovedUsers()),
            lambda: MemorySubscriptionReads(store, due_shards=4),
            _once(MemoryPlanCache(store)),
            lambda: MemoryCompanySubscriptions(store),
            lambda: MemoryChangeRequestReads(store),
        )
        return
    with mock_aws():
        # The process's shared DynamoDB client: building a new one costs more than the test.
        client = shared_connection("us-east-1").client
        client.create_table(**template.table_create_kwargs(_TEMPLATE, table_name=TABLE_NAME))
        yield Backend(
            "dynamodb",
            lambda seal: DynamoUnitOfWork(region="us-east-1", due_shards=4, seal=seal),
            _dynamodb_events,
            lambda: DueSubscriptions(4),
            OpenAuthorizations,
            Installs,
            RemovedUsers,
            lambda: SubscriptionReads(4),
            DynamoPlanCache,
            DynamoCompanySubscriptions,
            DynamoChangeRequestReads,
        )


def _once(adapter: T) -> Callable[[], T]:
    """The memory adapters hold their records themselves: every call answers the same one."""
    return lambda: adapter


def _stored(backend: Backend, sub: Subscription) -> Subscription:
    with backend.uow() as uow:
        uow.subscriptions.add(sub)
        uow.commit()
    return sub


def _charge(sub: Subscription, cycle: int = 2) -> Charge:
    return Charge(
        store_hash=sub.store_hash,
        subscription_id=sub.id,
        cycle=cycle,
        created_at=NOW,
        updated_at=NOW,
    )


def _types(backend: Backend, sub: Subscription) -> list[str]:
    return [e.type for e in backend.events(sub.store_hash, sub.id)]


# -- reads, staging, commit and rollback -------------------------------------------------------
def test_a_subscription_and_its_events_are_written_together(backend: Backend) -> None:
    # Given a new subscription with its creation event
    sub = subscription()
    # When
    _stored(backend, sub)
    # Then it reads back equal, and its event is stored as the outbox delivers it
    with backend.uow() as uow:
        assert uow.subscriptions.get(sub.store_hash, sub.id) == sub
    [event] = backend.events(sub.store_hash, sub.id)
    assert (event.type, event.seq, event.subscription_id) == ("subscription.created", 1, sub.id)
    assert event.event_id == f"evt_{sub.id}_000001" and event.occurred_at == NOW
    envelope = json.loads(event.envelope)
    assert envelope["type"] == "subscription.created"
    assert envelope["data"]["subscription_id"] == sub.id


def test_staged_writes_are_invisible_until_commit_even_to_their_own_unit_of_work(
    backend: Backend,
) -> None:
    # Given a subscription added but not yet committed
    sub = subscription()
    with backend.uow() as uow:
        uow.subscriptions.add(sub)
        # When it is read, in the same and in another unit of work
        # Then neither sees it, nor its event
        assert uow.subscriptions.get(sub.store_hash, sub.id) is None
        with backend.uow() as other:
            assert other.subscriptions.get(sub.store_hash, sub.id) is None
        assert backend.events(sub.store_hash, sub.id) == []
        # And once committed both do
        uow.commit()
        assert uow.subscriptions.get(sub.store_hash, sub.id) == sub
    assert _types(backend, sub) == ["subscription.created"]


def test_leaving_without_commit_writes_nothing(backend: Backend) -> None:
    # Given / When
    sub = subscription()
    with backend.uow() as uow:
        uow.subscriptions.add(sub)
        uow.charges.add(_charge(sub))
    # Then
    with backend.uow() as uow:
        assert uow.subscriptions.get(sub.store_hash, sub.id) is None
        assert uow.charges.get(sub.store_hash, sub.id, 2) is None
    assert backend.events(sub.store_hash, sub.id) == []


def test_a_rollback_drops_what_was_staged_and_a_later_commit_writes_only_what_came_after(
    backend: Backend,
) -> None:
    # Given a subscription staged and rolled back
    dropped, kept = subscription(), subscription()
    with backend.uow() as uow:
        uow.subscriptions.add(dropped)
        uow.rollback()
        # When another is staged and committed in the same unit of work
        uow.subscriptions.add(kept)
        uow.commit()
    # Then only the second exists
    with backend.uow() as uow:
        assert uow.subscriptions.get(dropped.store_hash, dropped.id) is None
        assert uow.subscriptions.get(kept.store_hash, kept.id) == kept
    assert backend.events(dropped.store_hash, dropped.id) == []


def test_a_commit_with_nothing_staged_does_nothing(backend: Backend) -> None:
    # Given / When
    with backend.uow() as uow:
        uow.commit()
        # Then reads still work after it
        assert uow.subscriptions.get("store1", "sub_none") is None


def test_reads_never_cross_stores(backend: Backend) -> None:
    # Given a subscription, a charge and an order link of store1
    sub = subscription()
    with backend.uow() as uow:
        uow.subscriptions.add(sub)
        uow.charges.add(_charge(sub))
        uow.order_links.add(OrderLink(sub.store_hash, 42, "origin", (sub.id,)))
        uow.commit()
    # When another store asks for the same ids
    with backend.uow() as uow:
        # Then none exists there
        assert uow.subscriptions.get("store2", sub.id) is None
        assert uow.charges.get("store2", sub.id, 2) is None
        assert uow.order_links.get("store2", 42) is None


# -- version and existence conditions ----------------------------------------------------------
def test_concurrent_updates_to_the_same_version_are_not_allowed(backend: Backend) -> None:
    # Given a stored subscription read by two workers
    sub = _stored(backend, subscription())
    first, second = backend.uow(), backend.uow()
    copy_a = first.subscriptions.get(sub.store_hash, sub.id)
    copy_b = second.subscriptions.get(sub.store_hash, sub.id)
    assert copy_a is not None and copy_b is not None
    # When both record a renewal
    copy_a.record_renewal(cycle=2, order_id=1, transaction_id="a", now=NOW)
    copy_b.record_renewal(cycle=2, order_id=2, transaction_id="b", now=NOW)
    first.subscriptions.save(copy_a)
    first.commit()
    second.subscriptions.save(copy_b)
    # Then the second is refused and wrote none of its events
    with pytest.raises(ConcurrencyConflict):
        second.commit()
    assert _types(backend, sub) == [
        "subscription.created",
        "charge.succeeded",
        "subscription.renewed",
    ]
    with backend.uow() as uow:
        stored = uow.subscriptions.get(sub.store_hash, sub.id)
    assert stored == copy_a
    assert json.loads(backend.events(sub.store_hash, sub.id)[1].envelope)["data"]["order_id"] == 1


def test_a_unit_of_work_saves_again_after_its_own_commit(backend: Backend) -> None:
    # Given a subscription read and saved once in a unit of work
    sub = _stored(backend, subscription())
    with backend.uow() as uow:
        copy = uow.subscriptions.get(sub.store_hash, sub.id)
        assert copy is not None
        copy.record_stage(cycle=2, stage="priced", now=NOW)
        uow.subscriptions.save(copy)
        uow.commit()
        # When the same copy is changed and saved again without reading it
        copy.record_stage(cycle=2, stage="order_created", now=NOW)
        uow.subscriptions.save(copy)
        uow.commit()
    # Then its own first commit did not count as someone else's change
    assert _types(backend, sub) == [
        "subscription.created",
        "charge.stage.priced",
        "charge.stage.order_created",
    ]


def test_a_record_added_and_committed_can_be_saved_by_the_same_unit_of_work(
    backend: Backend,
) -> None:
    # Given a subscription and its charge added and committed
    sub = subscription()
    with backend.uow() as uow:
        uow.subscriptions.add(sub)
        charge = _charge(sub)
        uow.charges.add(charge)
        uow.commit()
        # When both are saved again without a read
        sub.record_stage(cycle=2, stage="priced", now=NOW)
        charge.amount = Decimal("20.00")
        uow.subscriptions.save(sub)
        uow.charges.save(charge)
        uow.commit()
    # Then both landed
    with backend.uow() as uow:
        stored = uow.charges.get(sub.store_hash, sub.id, 2)
    assert stored is not None and stored.amount == Decimal("20.00")
    assert _types(backend, sub)[-1] == "charge.stage.priced"


def test_a_save_after_a_rolled_back_save_still_holds_the_version_it_read(
    backend: Backend,
) -> None:
    # Given a subscription read, saved and rolled back
    sub = _stored(backend, subscription())
    with backend.uow() as uow:
        copy = uow.subscriptions.get(sub.store_hash, sub.id)
        assert copy is not None
        uow.subscriptions.save(copy)
        uow.rollback()
        # When it is saved again and committed
        copy.record_stage(cycle=2, stage="priced", now=NOW)
        uow.subscriptions.save(copy)
        uow.commit()
    # Then the version it read still held
    assert _types(backend, sub) == ["subscription.created", "charge.stage.priced"]


def test_concurrent_charge_updates_conflict(backend: Backend) -> None:
    # Given a charge read by two workers
    sub = subscription()
    with backend.uow() as uow:
        uow.charges.add(_charge(sub))
        uow.commit()
    first, second = backend.uow(), backend.uow()
    a = first.charges.get(sub.store_hash, sub.id, 2)
    b = second.charges.get(sub.store_hash, sub.id, 2)
    assert a is not None and b is not None
    # When both move it on
    a.stage, b.stage = Stage.PRICED, Stage.ORDER_CREATED
    first.charges.save(a)
    first.commit()
    second.charges.save(b)
    # Then the second is refused and the first stays
    with pytest.raises(ConcurrencyConflict):
        second.commit()
    with backend.uow() as uow:
        stored = uow.charges.get(sub.store_hash, sub.id, 2)
    assert stored is not None and stored.stage == Stage.PRICED


def test_a_conflicted_unit_of_work_succeeds_after_reading_again(backend: Backend) -> None:
    # Given a worker whose save lost a race
    sub = _stored(backend, subscription())
    loser = backend.uow()
    stale = loser.subscriptions.get(sub.store_hash, sub.id)
    with backend.uow() as winner:
        fresh = winner.subscriptions.get(sub.store_hash, sub.id)
        assert fresh is not None
        fresh.record_stage(cycle=2, stage="priced", now=NOW)
        winner.subscriptions.save(fresh)
        winner.commit()
    assert stale is not None
    loser.subscriptions.save(stale)
    with pytest.raises(ConcurrencyConflict):
        loser.commit()
    # When it reads again and saves
    again = loser.subscriptions.get(sub.store_hash, sub.id)
    assert again is not None
    again.record_stage(cycle=2, stage="order_created", now=NOW)
    loser.subscriptions.save(again)
    loser.commit()
    # Then
    assert _types(backend, sub)[-2:] == ["charge.stage.priced", "charge.stage.order_created"]


def _add_twice(kind: str, sub: Subscription) -> Callable[[UnitOfWork], None]:
    def add(uow: UnitOfWork) -> None:
        if kind == "subscription":
            uow.subscriptions.add(copy.deepcopy(sub))
        elif kind == "charge":
            uow.charges.add(_charge(sub))
        elif kind == "order_link":
            uow.order_links.add(OrderLink(sub.store_hash, 42, "origin", (sub.id,)))
        else:
            uow.deliveries.add(
                DeliveryInstance(
                    store_hash=sub.store_hash,
                    subscription_id=sub.id,
                    cycle=2,
                    scheduled_for=NOW,
                    charge_cycle=1,
                )
            )

    return add


@pytest.mark.parametrize("kind", ["subscription", "charge", "order_link", "delivery"])
def test_adding_a_record_that_exists_conflicts(backend: Backend, kind: str) -> None:
    # Given a record added and committed
    sub = subscription()
    add = _add_twice(kind, sub)
    with backend.uow() as uow:
        add(uow)
        uow.commit()
    # When another unit of work adds the same record
    with backend.uow() as uow:
        add(uow)
        # Then it is refused
        with pytest.raises(ConcurrencyConflict):
            uow.commit()
    # And the first one's events are all there are
    assert _types(backend, sub) == (["subscription.created"] if kind == "subscription" else [])


def test_a_failed_condition_rolls_back_every_write_of_the_transaction(backend: Backend) -> None:
    # Given an order already linked to a subscription
    with backend.uow() as uow:
        uow.order_links.add(OrderLink("store1", 42, "origin", ("sub_x",)))
        uow.commit()
    # When another subscription tries to claim the same order in one transaction
    sub = subscription()
    with backend.uow() as uow:
        uow.subscriptions.add(sub)
        uow.charges.add(_charge(sub))
        uow.customer_links.add(CustomerLink(sub.store_hash, 7, sub.id, "tok"))
        uow.order_links.add(OrderLink("store1", 42, "origin", (sub.id,)))
        with pytest.raises(ConcurrencyConflict):
            uow.commit()
    # Then nothing of it exists, and the order keeps its first link
    with backend.uow() as uow:
        assert uow.subscriptions.get(sub.store_hash, sub.id) is None
        assert uow.charges.get(sub.store_hash, sub.id, 2) is None
        assert uow.customer_links.for_customer(sub.store_hash, 7) == []
        assert uow.order_links.get("store1", 42) == OrderLink("store1", 42, "origin", ("sub_x",))
    assert backend.events(sub.store_hash, sub.id) == []


def test_saving_a_record_not_read_in_this_unit_of_work_is_a_programming_error(
    backend: Backend,
) -> None:
    # Given a stored subscription and charge, never read by this unit of work
    sub = _stored(backend, subscription())
    with backend.uow() as uow:
        uow.charges.add(_charge(sub))
        uow.commit()
    with backend.uow() as uow:
        # When / Then
        with pytest.raises(RuntimeError, match="must be read"):
            uow.subscriptions.save(sub)
        with pytest.raises(RuntimeError, match="must be read"):
            uow.charges.save(_charge(sub))


def test_two_writes_of_one_record_in_one_commit_are_refused_and_nothing_lands(
    backend: Backend,
) -> None:
    # Given a stored subscription read once
    sub = _stored(backend, subscription())
    with backend.uow() as uow:
        copy = uow.subscriptions.get(sub.store_hash, sub.id)
        assert copy is not None
        # When it is saved twice before one commit
        copy.record_stage(cycle=2, stage="priced", now=NOW)
        uow.subscriptions.save(copy)
        uow.subscriptions.save(copy)
        # Then the commit fails as a mistake, not as a lost race
        with pytest.raises(Exception) as failure:
            uow.commit()
        assert not isinstance(failure.value, ConcurrencyConflict)
    assert _types(backend, sub) == ["subscription.created"]


def test_more_writes_than_one_transaction_holds_are_refused(backend: Backend) -> None:
    # Given 101 plan writes staged
    with backend.uow() as uow:
        for product_id in range(1, 102):
            uow.plans.put("store1", _plan(product_id))
        # When / Then
        with pytest.raises(ValueError, match="exceed one transaction"):
            uow.commit()
    with backend.uow() as uow:
        assert uow.plans.get("store1", 1) is None


# -- events ------------------------------------------------------------------------------------
def test_events_are_stored_in_the_order_they_were_raised_with_their_state(
    backend: Backend,
) -> None:
    # Given a subscription that records several stages before one save
    sub = _stored(backend, subscription())
    with backend.uow() as uow:
        copy = uow.subscriptions.get(sub.store_hash, sub.id)
        assert copy is not None
        copy.record_stage(cycle=2, stage="priced", now=NOW, amount="20.00")
        copy.record_stage(cycle=2, stage="order_created", now=NOW + timedelta(seconds=1))
        copy.record_renewal(cycle=2, order_id=9, transaction_id="t", now=NOW + timedelta(seconds=2))
        # When it is saved
        uow.subscriptions.save(copy)
        uow.commit()
    # Then the events follow one another in sequence, each with its own time and data
    events = backend.events(sub.store_hash, sub.id)
    assert [(e.seq, e.type) for e in events] == [
        (1, "subscription.created"),
        (2, "charge.stage.priced"),
        (3, "charge.stage.order_created"),
        (4, "charge.succeeded"),
        (5, "subscription.renewed"),
    ]
    assert [e.occurred_at for e in events][1:] == [
        NOW,
        NOW + timedelta(seconds=1),
        NOW + timedelta(seconds=2),
        NOW + timedelta(seconds=2),
    ]
    assert json.loads(events[1].envelope)["data"]["amount"] == "20.00"


def _requiring_action(sub: Subscription) -> Subscription:
    link = ActionLink(token_sha256="0" * 64, cycle=2, expires_at=NOW + timedelta(days=2))
    dunning = DunningState(
        cycle=2,
        failed_attempts=1,
        first_failed_at=NOW,
        decline_class=DeclineClass.REQUIRES_ACTION,
        next=Next.AUTHENTICATE,
        final_action_at=NOW + timedelta(days=14),
    )
    record_payment_failure(
        sub,
        cycle=2,
        order_id=5,
        code=None,
        reason="authentication required",
        now=NOW,
        dunning=dunning,
        action_link=link,
        action_token="plain-token",
    )
    return sub


def test_an_event_holding_a_secret_is_stored_sealed(backend: Backend) -> None:
    # Given a subscription whose event carries the shopper's action token
    sub = _requiring_action(subscription())
    # When it is stored by a unit of work that seals
    with backend.uow(seal=lambda store_hash, value: f"sealed[{store_hash}:{value[::-1]}]") as uow:
        uow.subscriptions.add(sub)
        uow.commit()
    # Then the stored event holds only the sealed form
    event = backend.events(sub.store_hash, sub.id)[-1]
    data = json.loads(event.envelope)["data"]
    assert event.type == "subscription.requires_action"
    assert data["action_token_sealed"] == "sealed[store1:nekot-nialp]"
    assert "action_token" not in data and "plain-token" not in event.envelope


def test_an_event_holding_a_secret_is_refused_by_a_unit_of_work_that_cannot_seal(
    backend: Backend,
) -> None:
    # Given a subscription whose event carries the shopper's action token
    sub = _requiring_action(subscription())
    # When / Then
    with backend.uow() as uow, pytest.raises(RuntimeError, match="cannot seal"):
        uow.subscriptions.add(sub)
    # (the caller leaves without committing, as the error unwinds it)
    with backend.uow() as uow:
        assert uow.subscriptions.get(sub.store_hash, sub.id) is None
    assert backend.events(sub.store_hash, sub.id) == []


# -- the other repositories --------------------------------------------------------------------
def test_an_order_link_reads_back_as_it_was_written(backend: Backend) -> None:
    # Given
    link = OrderLink("store1", 77, "renewal", ("sub_a", "sub_b"), cycle=3)
    # When
    with backend.uow() as uow:
        uow.order_links.add(link)
        assert uow.order_links.get("store1", 77) is None
        uow.commit()
    # Then
    with backend.uow() as uow:
        assert uow.order_links.get("store1", 77) == link
        assert uow.order_links.get("store1", 78) is None


def test_customer_links_list_a_customers_subscriptions_once_committed(backend: Backend) -> None:
    # Given links of two customers, one re-filed with a new instrument
    with backend.uow() as uow:
        uow.customer_links.add(CustomerLink("store1", 7, "sub_b", "tok1"))
        uow.customer_links.add(CustomerLink("store1", 7, "sub_a", "tok1"))
        uow.customer_links.add(CustomerLink("store1", 70, "sub_c", "tok2"))
        uow.customer_links.add(CustomerLink("store2", 7, "sub_d", "tok3"))
        assert uow.customer_links.for_customer("store1", 7) == []
        uow.commit()
    with backend.uow() as uow:
        uow.customer_links.add(CustomerLink("store1", 7, "sub_b", None))
        uow.commit()
    # When / Then each customer's, of their store only, in subscription order, last write winning
    with backend.uow() as uow:
        assert uow.customer_links.for_customer("store1", 7) == [
            CustomerLink("store1", 7, "sub_a", "tok1"),
            CustomerLink("store1", 7, "sub_b", None),
        ]
        assert uow.customer_links.for_customer("store1", 70) == [
            CustomerLink("store1", 70, "sub_c", "tok2")
        ]


def test_a_removed_customer_link_lands_with_commit_and_an_add_files_it_again(
    backend: Backend,
) -> None:
    # Given a customer filed under two subscriptions, and another customer under one of them
    with backend.uow() as uow:
        uow.customer_links.add(CustomerLink("store1", 7, "sub_a", "tok1"))
        uow.customer_links.add(CustomerLink("store1", 7, "sub_b", None))
        uow.customer_links.add(CustomerLink("store1", 8, "sub_a", None))
        uow.commit()
    # When one of the first customer's links is removed
    with backend.uow() as uow:
        uow.customer_links.remove("store1", 7, "sub_a", NOW)
        assert len(uow.customer_links.for_customer("store1", 7)) == 2
        uow.commit()
    # Then only their other link is listed, and the other customer's is untouched
    with backend.uow() as uow:
        assert uow.customer_links.for_customer("store1", 7) == [
            CustomerLink("store1", 7, "sub_b", None)
        ]
        assert uow.customer_links.for_customer("store1", 8) == [
            CustomerLink("store1", 8, "sub_a", None)
        ]
    # And filing it again lists it again
    with backend.uow() as uow:
        uow.customer_links.add(CustomerLink("store1", 7, "sub_a", None))
        uow.commit()
    with backend.uow() as uow:
        assert [link.subscription_id for link in uow.customer_links.for_customer("store1", 7)] == [
            "sub_a",
            "sub_b",
        ]


def _plan(product_id: int, label: str = "Monthly") -> Plan:
    return Plan(product_id=product_id, cadences=[Cadence(label=label, interval=Interval.MONTH)])


def test_a_plan_put_replaces_the_previous_one(backend: Backend) -> None:
    # Given
    with backend.uow() as uow:
        uow.plans.put("store1", _plan(5))
        uow.commit()
    # When
    with backend.uow() as uow:
        uow.plans.put("store1", _plan(5, "Every month"))
        assert uow.plans.get("store1", 5) == _plan(5)
        uow.commit()
    # Then
    with backend.uow() as uow:
        assert uow.plans.get("store1", 5) == _plan(5, "Every month")
        assert uow.plans.get("store2", 5) is None


def test_tenant_config_overrides_land_with_commit_and_invalid_ones_are_never_staged(
    backend: Backend,
) -> None:
    # Given a store without overrides
    with backend.uow() as uow:
        default = uow.tenant_configs.get("store1")
        # When an invalid override is put
        with pytest.raises(Exception):  # noqa: B017 - whatever effective_config refuses it with
            uow.tenant_configs.put("store1", {"no_such_setting": 1})
        uow.commit()
    with backend.uow() as uow:
        assert uow.tenant_configs.get("store1") == default
        # And a valid one is put
        overrides = {"auth_window_days": default.auth_window_days + 1}
        uow.tenant_configs.put("store1", overrides)
        assert uow.tenant_configs.get("store1") == default
        uow.commit()
    # Then it is read back from then on
    with backend.uow() as uow:
        changed = uow.tenant_configs.get("store1")
    assert changed.auth_window_days == default.auth_window_days + 1
    assert msgspec.structs.replace(changed, auth_window_days=default.auth_window_days) == default


def _delivery(sub: Subscription, cycle: int) -> DeliveryInstance:
    return DeliveryInstance(
        store_hash=sub.store_hash,
        subscription_id=sub.id,
        cycle=cycle,
        scheduled_for=NOW + timedelta(days=30 * cycle),
        charge_cycle=1,
    )


def test_deliveries_are_read_by_cycle_range_and_saved_after_that_read(backend: Backend) -> None:
    # Given four delivery instances of a subscription
    sub = subscription()
    with backend.uow() as uow:
        for cycle in (4, 2, 3, 5):
            uow.deliveries.add(_delivery(sub, cycle))
        uow.commit()
    with backend.uow() as uow:
        # When a range is read and one of it is saved
        found = uow.deliveries.between(sub.store_hash, sub.id, 2, 4)
        assert [d.cycle for d in found] == [2, 3, 4]
        found[1].status, found[1].order_id = DeliveryStatus.FULFILLED, 55
        uow.deliveries.save(found[1])
        # (one outside the range read cannot be saved)
        with pytest.raises(RuntimeError, match="must be read"):
            uow.deliveries.save(_delivery(sub, 5))
        uow.commit()
    # Then
    with backend.uow() as uow:
        [third] = uow.deliveries.between(sub.store_hash, sub.id, 3, 3)
        assert (third.status, third.order_id) == (DeliveryStatus.FULFILLED, 55)
        assert uow.deliveries.between("store2", sub.id, 1, 9) == []


# -- rate limits -------------------------------------------------------------------------------
def test_a_rate_limit_hit_lands_only_with_its_commit(backend: Backend) -> None:
    # Given a limit of two attempts an hour, one spent in a unit of work that was left
    window = timedelta(hours=1)

    def spend(commit: bool) -> float | None:
        with backend.uow() as uow:
            wait = uow.rate_limits.spend("store1", "k", limit=2, window=window, now=NOW)
            if commit:
                uow.commit()
        return wait

    assert spend(commit=False) is None
    # When two more are spent and committed
    first, second = spend(commit=True), spend(commit=True)
    # Then both fitted (the left one was never counted), and the next must wait for the window
    assert (first, second) == (None, None)
    wait = spend(commit=True)
    assert wait == (NOW.replace(minute=0) + window - NOW).total_seconds()


def test_a_rate_limit_hit_is_undone_with_the_change_it_came_with(backend: Backend) -> None:
    # Given a limit of one, spent in a transaction whose other write conflicts
    with backend.uow() as uow:
        uow.order_links.add(OrderLink("store1", 42, "origin", ("sub_x",)))
        uow.commit()
    with backend.uow() as uow:
        assert (
            uow.rate_limits.spend("store1", "k", limit=1, window=timedelta(hours=1), now=NOW)
            is None
        )
        uow.order_links.add(OrderLink("store1", 42, "origin", ("sub_y",)))
        with pytest.raises(ConcurrencyConflict):
            uow.commit()
    # When it is spent again / Then it still fits
    with backend.uow() as uow:
        assert (
            uow.rate_limits.spend("store1", "k", limit=1, window=timedelta(hours=1), now=NOW)
            is None
        )


def test_two_attempts_racing_for_the_last_place_let_one_through(backend: Backend) -> None:
    # Given a limit of one, and two units of work that both saw it free
    window = timedelta(hours=1)
    first, second = backend.uow(), backend.uow()
    assert first.rate_limits.spend("store1", "k", limit=1, window=window, now=NOW) is None
    assert second.rate_limits.spend("store1", "k", limit=1, window=window, now=NOW) is None
    # When both commit
    first.commit()
    # Then the second conflicts
    with pytest.raises(ConcurrencyConflict):
        second.commit()


def test_rate_limits_count_per_store_key_and_window(backend: Backend) -> None:
    # Given store1's key k spent to its limit of one
    window = timedelta(minutes=10)
    with backend.uow() as uow:
        assert uow.rate_limits.spend("store1", "k", limit=1, window=window, now=NOW) is None
        uow.commit()
    with backend.uow() as uow:
        # When / Then another store, another key and the next window each have their own count
        assert uow.rate_limits.spend("store1", "k", limit=1, window=window, now=NOW) is not None
        assert uow.rate_limits.spend("store2", "k", limit=1, window=window, now=NOW) is None
        assert uow.rate_limits.spend("store1", "j", limit=1, window=window, now=NOW) is None
        later = NOW + window
        assert uow.rate_limits.spend("store1", "k", limit=1, window=window, now=later) is None


# -- the sparse indexes the sweeps read --------------------------------------------------------
def test_the_due_index_lists_what_is_due_by_now_per_store(backend: Backend) -> None:
    # Given three subscriptions of store1 renewing a month, a month and a day, and two months
    # on (one started later), and one of store2
    soon, later = subscription(), subscription(now=NOW + timedelta(days=1, seconds=1))
    much_later, other_store = (
        subscription(now=NOW + timedelta(days=31)),
        subscription(store_hash="store2"),
    )
    for sub in (soon, later, much_later, other_store):
        _stored(backend, sub)
    due_at = soon.next_renewal_at
    # When the index is read at the first one's due time, and a day later
    first = list(backend.due().due(due_at, "store1"))
    second = list(backend.due().due(due_at + timedelta(days=1, seconds=1), "store1"))
    # Then each lists what is due by then, with its cycle and due time, and nothing of store2
    assert [(d.store_hash, d.subscription_id, d.cycle, d.due_at) for d in first] == [
        ("store1", soon.id, 2, due_at)
    ]
    assert sorted(d.subscription_id for d in second) == sorted([soon.id, later.id])


def test_a_subscription_leaves_the_due_index_when_it_has_nothing_due(backend: Backend) -> None:
    # Given a due subscription that is then cancelled at once
    sub = _stored(backend, subscription())
    with backend.uow() as uow:
        copy = uow.subscriptions.get(sub.store_hash, sub.id)
        assert copy is not None
        cancel(copy, NOW)
        uow.subscriptions.save(copy)
        uow.commit()
    # When / Then
    assert list(backend.due().due(sub.next_renewal_at + timedelta(days=90), "store1")) == []


def _authorized(sub: Subscription, cycle: int, state: AuthState = AuthState.OPEN) -> Charge:
    charge = _charge(sub, cycle)
    charge.authorization = Authorization(
        amount=Decimal("20.00"),
        currency="USD",
        transaction_id=f"tx{cycle}",
        authorized_at=NOW,
        expires_at=NOW + timedelta(days=7),
        state=state,
    )
    return charge


def test_the_authorization_index_lists_open_authorizations_due_for_a_look(
    backend: Backend,
) -> None:
    # Given an open authorization (looked at a day before it expires), a captured one, and a
    # charge without any
    sub = subscription()
    with backend.uow() as uow:
        uow.charges.add(_authorized(sub, 2))
        uow.charges.add(_authorized(sub, 3, AuthState.CAPTURED))
        uow.charges.add(_charge(sub, 4))
        uow.commit()
    check_at = NOW + timedelta(days=6)
    # When the index is read just before and at its check time
    # Then only the open one is listed, and only from then on
    assert list(backend.authorizations().due(check_at - timedelta(seconds=1))) == []
    assert [
        (a.store_hash, a.subscription_id, a.cycle) for a in backend.authorizations().due(check_at)
    ] == [("store1", sub.id, 2)]


def test_the_authorization_index_lists_each_delivery_locations_authorization_on_its_own(
    backend: Backend,
) -> None:
    # Given a cycle with two delivery locations, each with an open authorization of its own
    # order, and the cycle's own charge (which is never authorized)
    sub = subscription()
    locations = ["loc_00000000aa", "loc_00000000bb"]
    with backend.uow() as uow:
        uow.charges.add(msgspec.structs.replace(_charge(sub, 2), location_ids=locations))
        for location_id in locations:
            uow.charges.add(msgspec.structs.replace(_authorized(sub, 2), location_id=location_id))
        uow.commit()
    # When the index is read at their check time
    due = list(backend.authorizations().due(NOW + timedelta(days=6)))
    # Then each location is listed once, naming its location
    assert [(a.subscription_id, a.cycle, a.location_id) for a in due] == [
        (sub.id, 2, location_id) for location_id in locations
    ]
    # And once one is captured, only the other stays
    with backend.uow() as uow:
        captured = uow.charges.get(sub.store_hash, sub.id, 2, locations[0])
        assert captured is not None and captured.authorization is not None
        captured.authorization.settle(AuthState.CAPTURED)
        uow.charges.save(captured)
        uow.commit()
    due = list(backend.authorizations().due(NOW + timedelta(days=6)))
    assert [a.location_id for a in due] == [locations[1]]


# -- what the API handlers read besides the unit of work --------------------------------------
def _install(store_hash: str, status: str = "installed", ciphertext: str = "ct1") -> Install:
    return Install(store_hash, status, ciphertext, f"ws-{store_hash}")


def test_an_install_reads_back_as_it_was_put_to_the_second(backend: Backend) -> None:
    # Given
    installs = backend.installs()
    # When
    installs.put(_install("store1"), NOW + timedelta(microseconds=400))
    # Then
    assert installs.get("store1") == Install("store1", "installed", "ct1", "ws-store1", NOW, None)
    assert installs.get("store2") is None


def test_a_store_id_is_remembered_once_and_only_for_an_installed_store(backend: Backend) -> None:
    # Given
    installs = backend.installs()
    installs.put(_install("store1"), NOW)
    # When
    installs.remember_store_id("store1", "1001")
    installs.remember_store_id("store1", "2002")
    installs.remember_store_id("store2", "3003")
    # Then the first is kept, and a store never installed stays unknown
    found = installs.get("store1")
    assert found is not None and found.store_id == "1001"
    assert installs.get("store2") is None
    # And a reinstall writes the whole record again
    installs.put(_install("store1", ciphertext="ct2"), NOW)
    again = installs.get("store1")
    assert again is not None and (again.store_id, again.access_token_ciphertext) == (None, "ct2")


def test_installed_stores_are_listed_in_hash_order_after_the_cursor(backend: Backend) -> None:
    # Given three installed stores and an uninstalled one
    installs = backend.installs()
    for store_hash in ("store3", "store1", "store2"):
        installs.put(_install(store_hash), NOW)
    installs.put(_install("store0", status="uninstalled"), NOW)
    # When / Then
    assert installs.installed_after("", 10) == ["store1", "store2", "store3"]
    assert installs.installed_after("store1", 1) == ["store2"]
    assert installs.installed_after("store3", 10) == []


def test_a_removed_user_reads_back_its_last_removal(backend: Backend) -> None:
    # Given
    users = backend.removed_users()
    # When
    users.remove("store1", 5, NOW)
    users.remove("store1", 5, NOW + timedelta(seconds=30, microseconds=900))
    # Then
    assert users.removed_at("store1", 5) == int(NOW.timestamp()) + 30
    assert users.removed_at("store1", 6) is None
    assert users.removed_at("store2", 5) is None


def _filed(backend: Backend, *subs: Subscription) -> None:
    with backend.uow() as uow:
        for sub in subs:
            uow.subscriptions.add(sub)
            uow.customer_links.add(CustomerLink(sub.store_hash, sub.customer_id, sub.id, "tok"))
        uow.commit()


def test_a_store_listing_pages_through_its_customers_subscriptions(backend: Backend) -> None:
    # Given three subscriptions of two customers of store1, and one of store2
    first, second = subscription(customer_id=7), subscription(customer_id=7)
    third, elsewhere = subscription(customer_id=8), subscription(store_hash="store2")
    _filed(backend, first, second, third, elsewhere)
    reads = backend.reads()
    # When the store's are read two at a time
    page = reads.page("store1", customer_id=None, cursor=None, limit=2)
    assert page.cursor is not None
    rest = reads.page("store1", customer_id=None, cursor=page.cursor, limit=2)
    # Then each comes once, by customer then subscription, and the last page hands out none
    assert [s.id for s in page.subscriptions] == [first.id, second.id]
    assert ([s.id for s in rest.subscriptions], rest.cursor) == ([third.id], None)
    # And one customer's are theirs alone; a full last page still hands out a cursor
    mine = reads.page("store1", customer_id=7, cursor=None, limit=2)
    assert [s.id for s in mine.subscriptions] == [first.id, second.id]
    assert mine.cursor is not None
    after = reads.page("store1", customer_id=7, cursor=mine.cursor, limit=2)
    assert (after.subscriptions, after.cursor) == ([], None)
    assert mine.subscriptions[0] == first


@pytest.mark.parametrize("which", ["another store", "another customer", "not a cursor"])
def test_a_cursor_this_listing_never_handed_out_is_refused(backend: Backend, which: str) -> None:
    # Given a cursor of store1's listing of customer 7
    _filed(backend, subscription(customer_id=7), subscription(customer_id=7))
    reads = backend.reads()
    cursor = reads.page("store1", customer_id=7, cursor=None, limit=1).cursor
    assert cursor is not None
    # When it is used elsewhere / Then
    with pytest.raises(InvalidCursor):
        if which == "another store":
            reads.page("store2", customer_id=7, cursor=cursor, limit=1)
        elif which == "another customer":
            reads.page("store1", customer_id=8, cursor=cursor, limit=1)
        else:
            reads.page("store1", customer_id=7, cursor="not-a-cursor!", limit=1)


def test_a_listing_skips_a_customer_link_that_was_removed(backend: Backend) -> None:
    # Given two subscriptions of one customer, one of which they were unfiled from
    kept, left = subscription(customer_id=7), subscription(customer_id=7)
    _filed(backend, kept, left)
    with backend.uow() as uow:
        uow.customer_links.remove("store1", 7, left.id, NOW)
        uow.commit()
    reads = backend.reads()
    # When the customer's and the store's subscriptions are listed
    mine = reads.page("store1", customer_id=7, cursor=None, limit=10)
    store = reads.page("store1", customer_id=None, cursor=None, limit=10)
    # Then only the one they are still filed under is read
    assert [s.id for s in mine.subscriptions] == [kept.id]
    assert [s.id for s in store.subscriptions] == [kept.id]


def test_the_ops_queues_list_past_due_and_requires_action_oldest_first(backend: Backend) -> None:
    # Given two past-due subscriptions (the later one failed first), one requiring action,
    # an active one, and a past-due one of store2
    late, early = subscription(), subscription()
    record_payment_failure(
        late, cycle=2, order_id=1, code=1, reason="soft", now=NOW + timedelta(hours=2)
    )
    record_payment_failure(
        early, cycle=2, order_id=2, code=1, reason="soft", now=NOW + timedelta(hours=1)
    )
    acting, active = subscription(), subscription()
    card_gone = DunningState(
        cycle=2,
        failed_attempts=1,
        first_failed_at=NOW - timedelta(days=1),
        decline_class=DeclineClass.HARD,
        next=Next.NEW_CARD,
        final_action_at=NOW + timedelta(days=14),
    )
    record_payment_failure(
        acting, cycle=2, order_id=4, code=2, reason="hard", now=NOW, dunning=card_gone
    )
    other = subscription(store_hash="store2")
    record_payment_failure(other, cycle=2, order_id=3, code=1, reason="soft", now=NOW)
    with backend.uow() as uow:
        for sub in (late, early, acting, active, other):
            uow.subscriptions.add(sub)
        uow.commit()
    reads = backend.reads()
    # When the failed-charges queue is read one at a time
    page = reads.ops_queue("store1", "failed_charges", cursor=None, limit=1)
    assert page.cursor is not None
    rest = reads.ops_queue("store1", "failed_charges", cursor=page.cursor, limit=5)
    # Then
    assert [s.id for s in page.subscriptions + rest.subscriptions] == [early.id, late.id]
    assert rest.cursor is None
    acted = reads.ops_queue("store1", "requires_action", cursor=None, limit=5)
    assert [s.id for s in acted.subscriptions] == [acting.id]
    # And a cursor of one queue is refused by the other
    with pytest.raises(InvalidCursor):
        reads.ops_queue("store1", "requires_action", cursor=page.cursor, limit=5)


def test_overdue_renewals_are_listed_oldest_first_with_their_charge(backend: Backend) -> None:
    # Given two subscriptions due a day apart, one with its renewal charge begun, and one due
    # later
    first, second = subscription(), subscription(now=NOW + timedelta(days=1))
    later = subscription(now=NOW + timedelta(days=20))
    for sub in (second, later, first):
        _stored(backend, sub)
    with backend.uow() as uow:
        uow.charges.add(_charge(second, 2))
        uow.commit()
    reads = backend.reads()
    before = second.next_renewal_at + timedelta(hours=1)
    # When they are read one at a time
    page = reads.overdue("store1", before, cursor=None, limit=1)
    assert page.cursor is not None
    rest = reads.overdue("store1", before, cursor=page.cursor, limit=1)
    # Then
    listed = [(r.due.subscription_id, r.due.cycle, r.due.due_at) for r in page.items + rest.items]
    assert listed == [
        (first.id, 2, first.next_renewal_at),
        (second.id, 2, second.next_renewal_at),
    ]
    assert page.items[0].charge is None
    charge = rest.items[0].charge
    assert charge is not None and (charge.subscription_id, charge.cycle) == (second.id, 2)
    assert rest.cursor is None
    assert reads.overdue("store2", before, cursor=None, limit=5).items == []


def test_a_partition_lists_charges_deliveries_and_events_in_key_order_unsealed(
    backend: Backend,
) -> None:
    # Given a subscription requiring action (its event holds a sealed token), with two charges
    # and a delivery
    sub = _requiring_action(subscription())
    with backend.uow(seal=lambda _store, value: f"sealed:{value}") as uow:
        uow.subscriptions.add(sub)
        uow.charges.add(_charge(sub, 3))
        uow.charges.add(_charge(sub, 2))
        uow.deliveries.add(_delivery(sub, 2))
        uow.commit()
    # When
    found = backend.reads().partition("store1", sub.id)
    # Then
    assert [c["cycle"] for c in found["charges"]] == [2, 3]
    assert [d["cycle"] for d in found["deliveries"]] == [2]
    assert found["charges"][0] == to_json_data(_charge(sub, 2))
    types = [e["type"] for e in found["events"]]
    assert types == [e.type for e in backend.events("store1", sub.id)]
    assert types[-1] == "subscription.requires_action"
    assert "action_token_sealed" not in found["events"][-1]["data"]
    assert backend.reads().partition("store2", sub.id) == {
        "charges": [],
        "deliveries": [],
        "events": [],
    }


def test_a_cached_plan_is_the_plan_a_unit_of_work_reads(backend: Backend) -> None:
    # Given a valid plan cached for one product and an invalid one for another
    cache = backend.plan_cache()
    at = NOW + timedelta(microseconds=700)
    cache.put("store1", CachedPlan(111, _plan(111), None, at))
    cache.put("store1", CachedPlan(222, None, "not JSON", at))
    # When / Then the cache answers both, to the second, and only for their store
    assert cache.get_many("store1", [222, 111, 333]) == {
        111: CachedPlan(111, _plan(111), None, NOW),
        222: CachedPlan(222, None, "not JSON", NOW),
    }
    assert cache.get_many("store2", [111]) == {}
    # And a unit of work reads the valid one as the store's plan, and no plan for the other
    with backend.uow() as uow:
        assert uow.plans.get("store1", 111) == _plan(111)
        assert uow.plans.get("store1", 222) is None
        assert uow.plans.get("store2", 111) is None


# -- the company index ---------------------------------------------------------------------------
def _of_company(sub: Subscription, company_id: int, parent: int | None = None) -> Subscription:
    return msgspec.structs.replace(
        sub, company=CompanyMembership(company_id=company_id, parent_company_id=parent)
    )


def test_a_companys_subscriptions_are_read_from_its_index_once_committed(
    backend: Backend,
) -> None:
    # Given two subscriptions of one company, one of another, one of no company, one elsewhere
    with backend.uow() as uow:
        uow.subscriptions.add(_of_company(subscription(id="sub_b"), 1001, parent=1000))
        uow.subscriptions.add(_of_company(subscription(id="sub_a"), 1001, parent=1000))
        uow.subscriptions.add(_of_company(subscription(id="sub_c"), 1002))
        uow.subscriptions.add(subscription(id="sub_d"))
        uow.subscriptions.add(_of_company(subscription(id="sub_e", store_hash="store2"), 1001))
        assert backend.companies().of_company("store1", 1001) == []
        uow.commit()
    # When / Then each company lists its own, of its store only, in id order
    companies = backend.companies()
    assert [s.id for s in companies.of_company("store1", 1001)] == ["sub_a", "sub_b"]
    assert companies.of_company("store1", 1001)[0].company == CompanyMembership(
        company_id=1001, parent_company_id=1000
    )
    assert [s.id for s in companies.of_company("store1", 1002)] == ["sub_c"]
    assert [s.id for s in companies.of_company("store2", 1001)] == ["sub_e"]


def test_a_subscription_moved_to_another_company_is_listed_only_there(backend: Backend) -> None:
    # Given a company subscription
    sub = _stored(backend, _of_company(subscription(id="sub_m"), 1001))
    # When it moves to another company (and saves again without moving)
    with backend.uow() as uow:
        moved = uow.subscriptions.get(sub.store_hash, sub.id)
        assert moved is not None
        uow.subscriptions.save(_of_company(moved, 2002))
        uow.commit()
    with backend.uow() as uow:
        again = uow.subscriptions.get(sub.store_hash, sub.id)
        assert again is not None
        uow.subscriptions.save(again)
        uow.commit()
    # Then the new company lists it and the old one no longer does
    companies = backend.companies()
    assert [s.id for s in companies.of_company(sub.store_hash, 2002)] == ["sub_m"]
    assert companies.of_company(sub.store_hash, 1001) == []


def test_a_companys_subscriptions_page_from_its_index_skipping_those_that_left_it(
    backend: Backend,
) -> None:
    # Given five subscriptions of one company, the third since moved to another company
    for n in range(1, 6):
        _stored(backend, _of_company(subscription(id=f"sub_{n}"), 1001))
    with backend.uow() as uow:
        moved = uow.subscriptions.get("store1", "sub_3")
        assert moved is not None
        uow.subscriptions.save(_of_company(moved, 2002))
        uow.commit()
    companies = backend.companies()
    # When the company is read two index items at a time
    first = companies.page_of_company("store1", 1001, cursor=None, limit=2)
    second = companies.page_of_company("store1", 1001, cursor=first.cursor, limit=2)
    third = companies.page_of_company("store1", 1001, cursor=second.cursor, limit=2)
    # Then the pages follow in id order, the stale item read but left out, and the last ends
    assert [s.id for s in first.subscriptions] == ["sub_1", "sub_2"]
    assert [s.id for s in second.subscriptions] == ["sub_4"]
    assert [s.id for s in third.subscriptions] == ["sub_5"]
    assert first.cursor is not None and second.cursor is not None and third.cursor is None
    # And the moved one is on its new company's page
    assert [
        s.id for s in companies.page_of_company("store1", 2002, cursor=None, limit=2).subscriptions
    ] == ["sub_3"]


def test_a_company_page_cursor_is_refused_for_another_company_or_store(backend: Backend) -> None:
    # Given a cursor handed out for one company's pages
    for n in range(1, 4):
        _stored(backend, _of_company(subscription(id=f"sub_{n}"), 1001))
    companies = backend.companies()
    cursor = companies.page_of_company("store1", 1001, cursor=None, limit=1).cursor
    assert cursor is not None
    # When it is used for another company, another store, or is not a cursor at all
    # Then each is refused
    for store_hash, company_id, bad in [
        ("store1", 1002, cursor),
        ("store2", 1001, cursor),
        ("store1", 1001, "not-a-cursor"),
    ]:
        with pytest.raises(InvalidCursor):
            companies.page_of_company(store_hash, company_id, cursor=bad, limit=1)


# -- actors ride the subscription's version lock -------------------------------------------------
def test_two_concurrent_payer_changes_leave_exactly_one_payer(backend: Backend) -> None:
    # Given a stored subscription whose payer two merchants replace at once, with others
    sub = _stored(backend, subscription())
    first, second = backend.uow(), backend.uow()
    copy_a = first.subscriptions.get(sub.store_hash, sub.id)
    copy_b = second.subscriptions.get(sub.store_hash, sub.id)
    assert copy_a is not None and copy_b is not None
    change_payer(copy_a, 501, NOW)
    change_payer(copy_b, 502, NOW)
    # When both commit
    first.subscriptions.save(copy_a)
    first.commit()
    second.subscriptions.save(copy_b)
    # Then the second is refused with none of its events, and one payer stands: the first's
    with pytest.raises(ConcurrencyConflict):
        second.commit()
    with backend.uow() as uow:
        stored = uow.subscriptions.get(sub.store_hash, sub.id)
    assert stored is not None
    payers = [a.customer_id for a in stored.actors_in_force() if a.active and a.role == "payer"]
    assert payers == [501]
    assert _types(backend, sub) == ["subscription.created", "subscription.payer_changed"]


def test_a_record_without_actors_reads_as_one_customer_in_every_role(backend: Backend) -> None:
    # Given a subscription stored as records were before actors existed
    sub = _stored(backend, subscription())
    # When it is read back
    with backend.uow() as uow:
        stored = uow.subscriptions.get(sub.store_hash, sub.id)
    # Then it has no actors of its own, and its customer owns, pays and receives
    assert stored is not None and stored.actors == ()
    held = {(a.customer_id, a.role.value) for a in stored.actors_in_force()}
    assert held == {(sub.customer_id, r) for r in ("owner", "payer", "beneficiary")}
    assert stored.payer_customer_id == stored.beneficiary_customer_id == sub.customer_id


# -- change requests ---------------------------------------------------------------------------
def _request(sub: Subscription, n: int, *, hours: int = 72) -> ChangeRequest:
    request, _ = ChangeRequest.submit(
        request_id=f"creq_{sub.id}_{n}",
        store_hash=sub.store_hash,
        subscription_id=sub.id,
        kind=ChangeKind.SKIP,
        change={},
        requested_by=Requester(actor="shopper", customer_id=sub.customer_id),
        now=NOW,
        settings=ChangeRequestSettings(expire_after_hours=hours),
    )
    return request


def _requests_uow(backend: Backend) -> ChangeRequestUnitOfWork:
    return cast(ChangeRequestUnitOfWork, backend.uow())


def _submitted(backend: Backend, *requests: ChangeRequest) -> None:
    with _requests_uow(backend) as uow:
        for request in requests:
            uow.change_requests.add(request)
        uow.commit()


def test_a_change_request_lands_with_its_commit_and_reads_back_in_its_subscription(
    backend: Backend,
) -> None:
    # Given a subscription and a request staged with its event on it
    sub = _stored(backend, subscription())
    request = _request(sub, 1)
    with _requests_uow(backend) as uow:
        stored = uow.subscriptions.get("store1", sub.id)
        assert stored is not None
        stored.record_event("change_request.submitted", NOW, {"change_request_id": request.id})
        uow.change_requests.add(request)
        uow.subscriptions.save(stored)
        # When it is not committed yet, then nobody reads it
        assert uow.change_requests.get("store1", sub.id, request.id) is None
        uow.commit()
    # Then it reads back as written, with its event, and only in its store and subscription
    with _requests_uow(backend) as uow:
        assert uow.change_requests.get("store1", sub.id, request.id) == request
        assert uow.change_requests.for_subscription("store1", sub.id) == [request]
        assert uow.change_requests.get("store2", sub.id, request.id) is None
        assert uow.change_requests.for_subscription("store2", sub.id) == []
    assert _types(backend, sub)[-1] == "change_request.submitted"


def test_two_decisions_of_one_change_request_conflict(backend: Backend) -> None:
    # Given a pending request read by two units of work
    sub = _stored(backend, subscription())
    _submitted(backend, _request(sub, 1))
    first, second = _requests_uow(backend), _requests_uow(backend)
    ids = ("store1", sub.id, f"creq_{sub.id}_1")
    one, other = first.change_requests.get(*ids), second.change_requests.get(*ids)
    assert one is not None and other is not None
    one.reject(Requester(actor="merchant"), None, NOW)
    other.approve(Requester(actor="merchant"), None, NOW)
    # When both save it
    first.change_requests.save(one)
    first.commit()
    second.change_requests.save(other)
    # Then the second is refused and the first decision stands
    with pytest.raises(ConcurrencyConflict):
        second.commit()
    with _requests_uow(backend) as uow:
        found = uow.change_requests.get(*ids)
    assert found is not None and found.status == RequestStatus.REJECTED


def test_adding_a_change_request_that_exists_conflicts(backend: Backend) -> None:
    sub = _stored(backend, subscription())
    _submitted(backend, _request(sub, 1))
    with pytest.raises(ConcurrencyConflict):
        _submitted(backend, _request(sub, 1))


def test_the_approval_queue_lists_a_stores_pending_requests_soonest_to_expire_first(
    backend: Backend,
) -> None:
    # Given three pending requests (expiring in 5, 1 and 3 hours), a decided one, and one of
    # store2
    sub, theirs = (
        _stored(backend, subscription()),
        _stored(backend, subscription(store_hash="store2")),
    )
    late, soon, middle = (
        _request(sub, 1, hours=5),
        _request(sub, 2, hours=1),
        _request(sub, 3, hours=3),
    )
    decided = _request(sub, 4)
    _submitted(backend, late, soon, middle, decided, _request(theirs, 1))
    with _requests_uow(backend) as uow:
        found = uow.change_requests.get("store1", sub.id, decided.id)
        assert found is not None
        found.reject(Requester(actor="merchant"), None, NOW)
        uow.change_requests.save(found)
        uow.commit()
    reads = backend.change_request_reads()
    # When the queue is read one at a time
    page = reads.pending("store1", cursor=None, limit=1)
    assert page.cursor is not None
    rest = reads.pending("store1", cursor=page.cursor, limit=5)
    # Then
    assert [r.id for r in page.requests + rest.requests] == [soon.id, middle.id, late.id]
    assert rest.cursor is None
    # And a cursor of this store's queue is refused for another store
    with pytest.raises(InvalidCursor):
        reads.pending("store2", cursor=page.cursor, limit=5)


def test_the_expiry_index_lists_every_stores_pending_requests_once_expired(
    backend: Backend,
) -> None:
    # Given requests expiring in 1 and 3 hours here, one in 1 hour in store2, and an expired
    # one already decided
    sub, theirs = (
        _stored(backend, subscription()),
        _stored(backend, subscription(store_hash="store2")),
    )
    soon, later, decided = (
        _request(sub, 1, hours=1),
        _request(sub, 2, hours=3),
        _request(sub, 3, hours=1),
    )
    _submitted(backend, soon, later, decided, _request(theirs, 1, hours=1))
    with _requests_uow(backend) as uow:
        found = uow.change_requests.get("store1", sub.id, decided.id)
        assert found is not None
        found.approve(Requester(actor="merchant"), None, NOW)
        uow.change_requests.save(found)
        uow.commit()
    reads = backend.change_request_reads()
    at = NOW + timedelta(hours=1)
    # When / Then nothing is listed before its time, and at it the two pending ones are
    assert reads.expiring(at - timedelta(seconds=1), limit=10) == []
    listed = reads.expiring(at, limit=10)
    assert sorted((r.store_hash, r.request_id) for r in listed) == [
        ("store1", soon.id),
        ("store2", f"creq_{theirs.id}_1"),
    ]
    assert len(reads.expiring(at, limit=1)) == 1


# -- custom field definitions ---------------------------------------------------------------


def _field(key: str, label: str = "Label", scope: str = "subscription") -> CustomFieldDefinition:
    return from_data(
        CustomFieldDefinition,
        {"key": key, "scope": scope, "type": "text", "label": label, "pattern": r"PO-\d{5}"},
    )


def test_custom_field_definitions_land_with_commit_and_list_per_store_in_key_order(
    backend: Backend,
) -> None:
    # Given two definitions of one store and one of another
    with backend.uow() as uow:
        uow.custom_fields.add("store1", _field("po_number"))
        uow.custom_fields.add("store1", _field("colour", scope="plan"))
        uow.custom_fields.add("store2", _field("po_number", "Other store"))
        assert uow.custom_fields.definitions("store1") == []
        uow.commit()
    # When the store's definitions are read
    with backend.uow() as uow:
        listed = uow.custom_fields.definitions("store1")
        one = uow.custom_fields.get("store2", "po_number")
    # Then they read back as written, only the store's own, in key order
    assert listed == [_field("colour", scope="plan"), _field("po_number")]
    assert one == _field("po_number", "Other store")
    with backend.uow() as uow:
        assert uow.custom_fields.get("store3", "po_number") is None


def test_adding_a_custom_field_key_the_store_has_conflicts(backend: Backend) -> None:
    # Given a store's definition
    with backend.uow() as uow:
        uow.custom_fields.add("store1", _field("po_number"))
        uow.commit()
    # When the same key is added again
    with backend.uow() as uow:
        uow.custom_fields.add("store1", _field("po_number", "Again"))
        # Then it conflicts and the first stands
        with pytest.raises(ConcurrencyConflict):
            uow.commit()
    with backend.uow() as uow:
        assert uow.custom_fields.get("store1", "po_number") == _field("po_number")


def test_concurrent_changes_of_one_custom_field_definition_conflict(backend: Backend) -> None:
    # Given a definition read by two units of work
    with backend.uow() as uow:
        uow.custom_fields.add("store1", _field("po_number"))
        uow.commit()
    first, second = backend.uow(), backend.uow()
    assert first.custom_fields.get("store1", "po_number") is not None
    assert second.custom_fields.definitions("store1") != []
    # When both save a change
    first.custom_fields.save("store1", _field("po_number", "First"))
    first.commit()
    second.custom_fields.save("store1", _field("po_number", "Second"))
    # Then the later one conflicts
    with pytest.raises(ConcurrencyConflict):
        second.commit()
    with backend.uow() as uow:
        assert uow.custom_fields.get("store1", "po_number") == _field("po_number", "First")


def test_a_subscriptions_custom_field_values_read_back_as_written(backend: Backend) -> None:
    # Given a subscription with values of several types
    values = {"po_number": "PO-12345", "seats": 3, "vip": True, "meta": {"a": [1, None]}}
    sub = msgspec.structs.replace(subscription(store_hash="store1"), custom_fields=values)
    _stored(backend, sub)
    # When / Then
    with backend.uow() as uow:
        read = uow.subscriptions.get("store1", sub.id)
    assert read is not None and read.custom_fields == values


def _ops_events(backend: Backend) -> MemoryOpsEvents | DynamoOpsEvents:
    """One adapter for the test: the memory one holds what it recorded itself."""
    return MemoryOpsEvents() if backend.name == "memory" else DynamoOpsEvents()


def _record_ops(ops: MemoryOpsEvents | DynamoOpsEvents, store_hash: str, *types: str) -> None:
    """One item per type, a minute apart, in the order given (the last is the newest)."""
    for n, type_ in enumerate(types):
        at = NOW + timedelta(minutes=n, microseconds=123)
        ops.record(OpsEvent(store_hash, type_, {"n": n, "amount": Decimal("1.50")}, at))


def test_ops_items_list_newest_first_page_by_page_and_only_the_stores_own(
    backend: Backend,
) -> None:
    # Given five ops items in this store and one in another
    ops = _ops_events(backend)
    _record_ops(ops, "other", "plan.invalid")
    _record_ops(ops, "abc123", "plan.invalid", "gift.refused", "plan.invalid", "a", "b")
    # When the store's items are read two at a time
    pages, cursor = [], None
    while True:
        page = ops.page("abc123", type_=None, cursor=cursor, limit=2)
        pages.append(page.items)
        if page.cursor is None:
            break
        cursor = page.cursor
    # Then they come newest first, to the second, their data as JSON keeps it, nothing twice
    assert [[i.data["n"] for i in items] for items in pages] == [[4, 3], [2, 1], [0]]
    first = pages[-1][0]
    assert first.type == "plan.invalid" and first.data == {"n": 0, "amount": "1.50"}
    assert first.occurred_at == NOW.replace(microsecond=0)
    ids = [i.id for items in pages for i in items]
    assert len(set(ids)) == 5


def test_a_full_last_ops_item_page_hands_out_no_cursor(backend: Backend) -> None:
    # Given exactly two items
    ops = _ops_events(backend)
    _record_ops(ops, "abc123", "a", "b")
    # When two are asked for
    page = ops.page("abc123", type_=None, cursor=None, limit=2)
    # Then both come and nothing is said to follow
    assert [i.type for i in page.items] == ["b", "a"] and page.cursor is None


def test_the_ops_item_type_filter_pages_over_that_type_alone(backend: Backend) -> None:
    # Given plan.invalid items with other types between them
    ops = _ops_events(backend)
    _record_ops(ops, "abc123", "plan.invalid", "gift.refused", "plan.invalid", "x", "plan.invalid")
    # When only plan.invalid is asked for, one at a time
    seen, cursor = [], None
    while True:
        page = ops.page("abc123", type_="plan.invalid", cursor=cursor, limit=1)
        seen += [(i.type, i.data["n"]) for i in page.items]
        if page.cursor is None:
            break
        cursor = page.cursor
    # Then each page holds one of them, newest first, and no page is empty
    assert seen == [("plan.invalid", 4), ("plan.invalid", 2), ("plan.invalid", 0)]
    assert ops.page("abc123", type_="nothing.like.it", cursor=None, limit=5).items == []


@pytest.mark.parametrize("which", ["another store", "not a cursor", "a forged key"])
def test_an_ops_item_cursor_this_listing_never_handed_out_is_refused(
    backend: Backend, which: str
) -> None:
    # Given a cursor handed out by another store's list, garbage, and a forged key
    ops = _ops_events(backend)
    _record_ops(ops, "abc123", "a", "b")
    _record_ops(ops, "other", "a", "b")
    theirs = ops.page("other", type_=None, cursor=None, limit=1).cursor
    assert theirs is not None
    forged = base64.urlsafe_b64encode(b'{"s": "abc123", "k": "SUB#x"}').decode()
    cursor = {"another store": theirs, "not a cursor": "%%%", "a forged key": forged}[which]
    # When this store's list is read from it, Then it is refused
    with pytest.raises(InvalidCursor):
        ops.page("abc123", type_=None, cursor=cursor, limit=1)
