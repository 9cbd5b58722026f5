"""The storage contract of allotment grants, run against the in-memory and DynamoDB adapters
(the latter on moto), as `test_storage_contract.py` does for the unit of work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from moto import mock_aws

from bc_subscriptions.adapters.dynamodb import keys
from bc_subscriptions.adapters.dynamodb.allotments import DynamoAllotmentDue, DynamoAllotments
from bc_subscriptions.adapters.dynamodb.connection import shared_connection
from bc_subscriptions.adapters.dynamodb.event_items import stored_event
from bc_subscriptions.adapters.dynamodb.event_log import EventLog
from bc_subscriptions.adapters.dynamodb.models import EventItem
from bc_subscriptions.adapters.memory import MemoryStore
from bc_subscriptions.adapters.memory.allotments import MemoryAllotmentDue, MemoryAllotments
from bc_subscriptions.domain.allotments import (
    AllotmentGrant,
    DebitSource,
    GrantedBy,
    RefreshCadence,
)
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.ports.allotment_storage import (
    AllotmentDueReader,
    AllotmentRepository,
    GrantChange,
    InvalidGrantCursor,
)
from bc_subscriptions.ports.storage import ConcurrencyConflict, StoredEvent
from devstack import template
from devstack.stack import TABLE_NAME

T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
_TEMPLATE = template.load_template()


@dataclass
class Backend:
    name: str
    grants: AllotmentRepository
    due: AllotmentDueReader
    events: Callable[[str, str], list[StoredEvent]]


def _dynamodb_events(store_hash: str, grant_id: str) -> list[StoredEvent]:
    rows = EventItem.query(
        keys.allotment_pk(store_hash, grant_id),
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
            MemoryAllotments(store),
            MemoryAllotmentDue(store, shards=4),
            lambda store_hash, grant_id: [
                e for e in store.events(store_hash) if e.grant_id == grant_id
            ],
        )
        return
    with mock_aws():
        client = shared_connection("us-east-1").client
        client.create_table(**template.table_create_kwargs(_TEMPLATE, table_name=TABLE_NAME))
        yield Backend(
            "dynamodb",
            DynamoAllotments("us-east-1", 4),
            DynamoAllotmentDue(4),
            _dynamodb_events,
        )


def _grant(grant_id: str = "alg_1", **overrides: Any) -> AllotmentGrant:
    fields: dict[str, Any] = {
        "id": grant_id,
        "store_hash": "store1",
        "customer_id": 7,
        "unit": "currency",
        "currency_code": "USD",
        "amount_per_period": Decimal("25.00"),
        "cadence": RefreshCadence(interval=Interval.WEEK),
        "granted_by": GrantedBy(kind="merchant", id="12"),
        "reason": "goodwill",
        "custom_fields": {"cost_center": "CS-4"},
    }
    return AllotmentGrant.grant(now=T0, **{**fields, **overrides})


def _added(backend: Backend, grant: AllotmentGrant) -> AllotmentGrant:
    backend.grants.write(GrantChange(grant, None))
    return grant


def _debit(backend: Backend, grant_id: str, debit_id: str, amount: str) -> None:
    record = backend.grants.get("store1", grant_id)
    assert record is not None
    grant = record.grant
    debit = grant.debit(
        debit_id=debit_id, amount=Decimal(amount), source=DebitSource(kind="manual"), now=T0
    )
    backend.grants.write(GrantChange(grant, record.version, added_debit=debit))


def test_a_grant_and_its_event_are_written_together_and_read_back_as_written(
    backend: Backend,
) -> None:
    # Given / When
    grant = _added(backend, _grant())
    # Then
    record = backend.grants.get("store1", "alg_1")
    assert record is not None and record.version == 1
    assert record.grant == grant
    assert record.grant.custom_fields == {"cost_center": "CS-4"}
    [event] = backend.events("store1", "alg_1")
    assert (event.type, event.grant_id, event.seq, event.subscription_id) == (
        "allotment.granted",
        "alg_1",
        1,
        None,
    )


def test_granting_the_same_id_twice_conflicts_and_writes_nothing_more(backend: Backend) -> None:
    # Given
    _added(backend, _grant())
    # When / Then
    with pytest.raises(ConcurrencyConflict):
        backend.grants.write(GrantChange(_grant(reason="again"), None))
    record = backend.grants.get("store1", "alg_1")
    assert record is not None and record.grant.reason == "goodwill"
    assert len(backend.events("store1", "alg_1")) == 1


def test_two_debits_from_the_same_version_let_one_through_and_the_other_writes_nothing(
    backend: Backend,
) -> None:
    # Given two copies of one grant, read at the same version
    _added(backend, _grant())
    first, second = backend.grants.get("store1", "alg_1"), backend.grants.get("store1", "alg_1")
    assert first is not None and second is not None
    source = DebitSource(kind="manual")
    d1 = first.grant.debit(debit_id="ald_a", amount=Decimal(10), source=source, now=T0)
    d2 = second.grant.debit(debit_id="ald_b", amount=Decimal(20), source=source, now=T0)
    # When both are written
    backend.grants.write(GrantChange(first.grant, first.version, added_debit=d1))
    with pytest.raises(ConcurrencyConflict):
        backend.grants.write(GrantChange(second.grant, second.version, added_debit=d2))
    # Then only the first landed: its balance, its debit, its event
    record = backend.grants.get("store1", "alg_1")
    assert record is not None
    assert (record.grant.balance, record.version) == (Decimal("15.00"), 2)
    assert [d.id for d in backend.grants.debits("store1", "alg_1", limit=10)] == ["ald_a"]
    assert [e.type for e in backend.events("store1", "alg_1")] == [
        "allotment.granted",
        "allotment.debited",
    ]


def test_a_debit_id_written_once_cannot_be_written_again_even_from_a_fresh_read(
    backend: Backend,
) -> None:
    # Given a debit of an order (its id derives from the order)
    _added(backend, _grant())
    _debit(backend, "alg_1", "ald_order_100", "5")
    # When the same order is debited again from a fresh read
    with pytest.raises(ConcurrencyConflict):
        _debit(backend, "alg_1", "ald_order_100", "5")
    # Then the balance was debited once
    record = backend.grants.get("store1", "alg_1")
    assert record is not None and record.grant.balance == Decimal("20.00")


def test_a_reversed_debit_reads_back_reversed_with_the_balance_restored(backend: Backend) -> None:
    # Given a debit
    _added(backend, _grant())
    _debit(backend, "alg_1", "ald_x", "7.50")
    record = backend.grants.get("store1", "alg_1")
    debit = backend.grants.debit("store1", "alg_1", "ald_x")
    assert record is not None and debit is not None
    # When it is reversed
    record.grant.reverse(debit, now=T0 + timedelta(hours=1), reason="refund")
    backend.grants.write(GrantChange(record.grant, record.version, saved_debit=debit))
    # Then
    again = backend.grants.debit("store1", "alg_1", "ald_x")
    assert again is not None and again.reversed_at == T0 + timedelta(hours=1)
    after = backend.grants.get("store1", "alg_1")
    assert after is not None and after.grant.balance == Decimal("25.00")


def test_a_refunds_part_of_a_debit_reads_back_with_its_reversal_and_what_remains(
    backend: Backend,
) -> None:
    # Given a debit of 7.50
    _added(backend, _grant())
    _debit(backend, "alg_1", "ald_order_100", "7.50")
    record = backend.grants.get("store1", "alg_1")
    debit = backend.grants.debit("store1", "alg_1", "ald_order_100")
    assert record is not None and debit is not None
    # When a refund gives back 2.50 of it
    record.grant.reverse_refunded(
        debit, reversal_id="alr_refund_3", due=Decimal("2.50"), now=T0, reason="refund"
    )
    backend.grants.write(GrantChange(record.grant, record.version, saved_debit=debit))
    # Then the debit reads back with the refund's reversal, not reversed yet, 5.00 left
    again = backend.grants.debit("store1", "alg_1", "ald_order_100")
    assert again is not None
    assert (again.reversals, again.reversed_amount, again.reversed_at) == (
        {"alr_refund_3": Decimal("2.50")},
        Decimal("2.50"),
        None,
    )
    assert again.remaining() == Decimal("5.00")
    after = backend.grants.get("store1", "alg_1")
    assert after is not None and after.grant.balance == Decimal("20.00")


def test_a_refunds_part_of_a_debit_reads_back_with_when_it_was_given_back(
    backend: Backend,
) -> None:
    # Given a debit of 7.50
    _added(backend, _grant())
    _debit(backend, "alg_1", "ald_order_100", "7.50")
    record = backend.grants.get("store1", "alg_1")
    debit = backend.grants.debit("store1", "alg_1", "ald_order_100")
    assert record is not None and debit is not None
    # When a refund gives back 2.50 of it two hours on
    later = T0 + timedelta(hours=2)
    record.grant.reverse_refunded(
        debit, reversal_id="alr_refund_3", due=Decimal("2.50"), now=later, reason="refund"
    )
    backend.grants.write(GrantChange(record.grant, record.version, saved_debit=debit))
    # Then the debit reads back with the time of that refund's part
    again = backend.grants.debit("store1", "alg_1", "ald_order_100")
    assert again is not None and again.reversal_times == {"alr_refund_3": later}


def test_grants_are_listed_per_store_and_customer_and_paged_with_their_cursor(
    backend: Backend,
) -> None:
    # Given three grants of two customers of store1, and one of store2
    for grant_id, customer in (("alg_a", 7), ("alg_b", 8), ("alg_c", 7)):
        _added(backend, _grant(grant_id, customer_id=customer))
    _added(backend, _grant("alg_z", store_hash="store2"))
    # When the store's grants are read two at a time, and one customer's
    first = backend.grants.page("store1", customer_id=None, cursor=None, limit=2)
    second = backend.grants.page("store1", customer_id=None, cursor=first.cursor, limit=2)
    mine = backend.grants.page("store1", customer_id=7, cursor=None, limit=10)
    # Then
    assert [g.id for g in first.grants] == ["alg_a", "alg_c"]  # by customer, then id
    assert [g.id for g in second.grants] == ["alg_b"] and second.cursor is None
    assert [g.id for g in mine.grants] == ["alg_a", "alg_c"] and mine.cursor is None
    assert backend.grants.get("store2", "alg_a") is None


def test_a_cursor_of_another_listing_is_refused(backend: Backend) -> None:
    # Given / When / Then
    with pytest.raises(InvalidGrantCursor):
        backend.grants.page("store1", customer_id=7, cursor="ALLOTMENT#C000000000008#x", limit=2)


def test_the_refresh_index_lists_active_grants_due_by_now_per_store(backend: Backend) -> None:
    # Given weekly grants of store1 (one of them suspended) and one of store2
    _added(backend, _grant("alg_a"))
    suspended = _grant("alg_b")
    suspended.suspend(now=T0)
    _added(backend, suspended)
    _added(backend, _grant("alg_c", cadence=None))  # one-off: never due
    _added(backend, _grant("alg_z", store_hash="store2"))
    week = T0 + timedelta(weeks=1)
    # When / Then
    assert list(backend.due.due(week - timedelta(seconds=1), "store1")) == []
    [due] = list(backend.due.due(week, "store1"))
    assert (due.store_hash, due.grant_id, due.due_at) == ("store1", "alg_a", week)


def test_a_refreshed_grant_moves_on_in_the_refresh_index(backend: Backend) -> None:
    # Given a due grant, refreshed
    _added(backend, _grant("alg_a"))
    record = backend.grants.get("store1", "alg_a")
    assert record is not None
    record.grant.refresh(T0 + timedelta(weeks=1))
    backend.grants.write(GrantChange(record.grant, record.version))
    # When / Then it is due again only a week later
    assert list(backend.due.due(T0 + timedelta(weeks=2) - timedelta(seconds=1), "store1")) == []
    assert [d.grant_id for d in backend.due.due(T0 + timedelta(weeks=2), "store1")] == ["alg_a"]


def test_a_due_grant_once_revoked_leaves_the_refresh_index(backend: Backend) -> None:
    # Given a weekly grant whose refresh is due, as the refresh index lists it
    _added(backend, _grant("alg_a"))
    week = T0 + timedelta(weeks=1)
    assert [d.grant_id for d in backend.due.due(week, "store1")] == ["alg_a"]
    # When it is revoked (its subscription ended)
    record = backend.grants.get("store1", "alg_a")
    assert record is not None
    record.grant.revoke(now=T0, reason="subscription.cancelled:requested")
    backend.grants.write(GrantChange(record.grant, record.version))
    # Then no refresh run finds it again, however late
    assert list(backend.due.due(week + timedelta(weeks=52), "store1")) == []


@pytest.mark.parametrize("backend", ["dynamodb"], indirect=True)  # the event log is DynamoDB's
def test_a_grant_event_is_found_by_its_id_in_the_event_log(backend: Backend) -> None:
    # Given
    _added(backend, _grant())
    # When
    found = EventLog().get("store1", "evt_alg_1_000001")
    # Then
    assert found is not None and found.type == "allotment.granted"


def test_an_orders_debits_are_found_from_the_order_for_its_refund(backend: Backend) -> None:
    # Given two grants debited by order 100, and one by order 101
    for grant_id in ("alg_a", "alg_b"):
        _added(backend, _grant(grant_id))
    for grant_id, order_id in (("alg_a", 100), ("alg_b", 100), ("alg_a", 101)):
        record = backend.grants.get("store1", grant_id)
        assert record is not None
        source = DebitSource(kind="order", id=str(order_id))
        debit = record.grant.debit(
            debit_id=f"ald_order_{order_id}", amount=Decimal(1), source=source, now=T0
        )
        backend.grants.write(GrantChange(record.grant, record.version, added_debit=debit))
    # When / Then
    assert sorted(backend.grants.debits_of_order("store1", 100)) == [
        ("alg_a", "ald_order_100"),
        ("alg_b", "ald_order_100"),
    ]
    assert backend.grants.debits_of_order("store1", 101) == [("alg_a", "ald_order_101")]
    assert backend.grants.debits_of_order("store2", 100) == []
