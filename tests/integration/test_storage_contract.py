"""One contract, two units of work: the in-memory one must behave as the DynamoDB one does.

Every case runs against both (the DynamoDB one on moto), so a test that relies on the fake
relies on what DynamoDB does too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from moto import mock_aws

from bc_subscriptions.adapters.dynamodb import keys
from bc_subscriptions.adapters.dynamodb.connection import shared_connection
from bc_subscriptions.adapters.dynamodb.event_items import stored_event
from bc_subscriptions.adapters.dynamodb.models import EventItem
from bc_subscriptions.adapters.dynamodb.unit_of_work import DynamoUnitOfWork
from bc_subscriptions.adapters.memory import MemoryStore, MemoryUnitOfWork
from bc_subscriptions.domain.charge import Charge, Stage
from bc_subscriptions.domain.delivery import DeliveryInstance, DeliveryStatus
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription import ActionLink, Subscription
from bc_subscriptions.ports.storage import (
    ConcurrencyConflict,
    CustomerLink,
    OrderLink,
    StoredEvent,
    UnitOfWork,
)
from devstack import template
from devstack.stack import TABLE_NAME

from ..unit.factories import NOW, subscription

_TEMPLATE = template.load_template()


@dataclass
class Backend:
    name: str
    new: Callable[..., UnitOfWork]
    events: Callable[[str, str], list[StoredEvent]]

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
        )


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
            uow.subscriptions.add(sub.model_copy(deep=True))
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
    sub.action_link = ActionLink(token_sha256="0" * 64, cycle=2, expires_at=NOW + timedelta(days=2))
    sub.record_action_required(cycle=2, order_id=5, token="plain-token", now=NOW)
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
    assert changed.model_copy(update={"auth_window_days": default.auth_window_days}) == default


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
