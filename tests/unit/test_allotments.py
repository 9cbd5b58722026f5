"""Allotment grants: debits never pass the overdraft floor, reversals restore exactly, and a
refresh applies the rollover once per period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.allotments import (
    AllotmentGrant,
    AllotmentNotActive,
    DebitAlreadyReversed,
    DebitSource,
    GrantedBy,
    InsufficientBalance,
    OrderDebit,
    RefreshCadence,
    Rollover,
    order_debit_amount,
    rolled_over,
)
from bc_subscriptions.domain.schedule import Interval

T0 = datetime(2026, 1, 31, 12, tzinfo=UTC)
MANUAL = DebitSource(kind="manual")


def a_grant(**overrides: Any) -> AllotmentGrant:
    fields: dict[str, Any] = {
        "id": "alg_1",
        "store_hash": "store1",
        "customer_id": 7,
        "unit": "currency",
        "currency_code": "USD",
        "amount_per_period": Decimal("50.00"),
        "cadence": RefreshCadence(interval=Interval.MONTH),
        "granted_by": GrantedBy(kind="merchant", id="user_1"),
        "reason": "loyalty",
    }
    return AllotmentGrant.grant(now=T0, **{**fields, **overrides})


cents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)


def test_a_new_grant_starts_full_and_says_so_in_its_first_event() -> None:
    # Given / When
    grant = a_grant()
    # Then
    assert grant.balance == Decimal("50.00")
    assert grant.next_refresh_at == datetime(2026, 2, 28, 12, tzinfo=UTC)
    [granted] = grant.pull_events()
    assert (granted.type, granted.grant_id, granted.seq) == (ev.ALLOTMENT_GRANTED, "alg_1", 1)
    assert granted.data["balance"] == "50.00"


def test_a_currency_grant_needs_its_currency_and_a_count_grant_has_none() -> None:
    # Given / When / Then
    with pytest.raises(ValueError, match="currency_code"):
        a_grant(currency_code=None)
    with pytest.raises(ValueError, match="currency_code"):
        a_grant(unit="count", amount_per_period=Decimal(3))


def test_counts_are_whole_and_currency_is_to_the_cent() -> None:
    # Given / When / Then
    with pytest.raises(ValueError, match="decimal places"):
        a_grant(amount_per_period=Decimal("10.005"))
    with pytest.raises(ValueError, match="decimal places"):
        a_grant(unit="count", currency_code=None, amount_per_period=Decimal("1.5"))


def test_an_order_debit_mode_must_fit_the_unit() -> None:
    # Given / When / Then
    with pytest.raises(ValueError, match="order_debit"):
        a_grant(order_debit=OrderDebit.ITEM_COUNT)


@given(amounts=st.lists(cents, min_size=1, max_size=20), overdraft=st.none() | cents)
def test_no_sequence_of_debits_takes_the_balance_below_the_overdraft_floor(
    amounts: list[Decimal], overdraft: Decimal | None
) -> None:
    # Given a grant, with or without an overdraft
    grant = a_grant(overdraft_limit=overdraft)
    floor = -(overdraft or Decimal(0))
    taken = Decimal(0)
    # When every debit is tried; those beyond what is available are refused
    for i, amount in enumerate(amounts):
        before = grant.balance
        try:
            grant.debit(debit_id=f"d{i}", amount=amount, source=MANUAL, now=T0)
            taken += amount
        except InsufficientBalance:
            assert before - amount < floor
            assert grant.balance == before  # a refused debit changes nothing
    # Then the balance is exactly what was taken off, never below the floor
    assert grant.balance == Decimal("50.00") - taken
    assert grant.balance >= floor


@given(amounts=st.lists(cents, min_size=1, max_size=10))
def test_partial_order_debits_take_what_is_available_and_never_more(
    amounts: list[Decimal],
) -> None:
    # Given a grant without overdraft
    grant = a_grant()
    # When orders debit it, each taking what is left at most
    debits = [
        grant.debit(debit_id=f"d{i}", amount=a, source=MANUAL, now=T0, partial=True)
        for i, a in enumerate(amounts)
    ]
    # Then it stops at zero, and every debit took the lesser of asked and available
    assert grant.balance == max(Decimal("50.00") - sum(amounts), Decimal(0))
    assert sum(d.amount for d in debits if d is not None) == Decimal("50.00") - grant.balance
    assert all(d is None or d.amount <= d.requested_amount for d in debits)


@given(amounts=st.lists(cents, min_size=1, max_size=10), reversed_=st.data())
def test_reversing_debits_gives_back_exactly_their_amounts(
    amounts: list[Decimal], reversed_: st.DataObject
) -> None:
    # Given a grant with enough overdraft for every debit
    grant = a_grant(overdraft_limit=Decimal("5000"))
    debits = [
        grant.debit(debit_id=f"d{i}", amount=a, source=MANUAL, now=T0)
        for i, a in enumerate(amounts)
    ]
    chosen = reversed_.draw(st.lists(st.sampled_from(debits), unique_by=lambda d: d.id))
    # When some are reversed
    for debit in chosen:
        grant.reverse(debit, now=T0, reason="refund")
    # Then the balance is the period's amount less what is still debited
    kept = sum((d.amount for d in debits if d not in chosen), Decimal(0))
    assert grant.balance == Decimal("50.00") - kept


def test_a_debit_is_reversed_once() -> None:
    # Given a reversed debit
    grant = a_grant()
    debit = grant.debit(debit_id="d1", amount=Decimal(10), source=MANUAL, now=T0)
    assert debit is not None
    grant.reverse(debit, now=T0)
    # When / Then
    with pytest.raises(DebitAlreadyReversed):
        grant.reverse(debit, now=T0)
    assert grant.balance == Decimal("50.00")


@given(balance=st.decimals(min_value=-500, max_value=1000, places=2), amount=cents)
def test_rollover_carries_only_unused_balance_and_always_keeps_what_is_owed(
    balance: Decimal, amount: Decimal
) -> None:
    # Given / When
    none, _, lapsed_none = rolled_over(balance, amount, Rollover.NONE)
    capped, carried_cap, _ = rolled_over(balance, amount, Rollover.CAP_TO_ONE_PERIOD)
    accumulated, _, lapsed_acc = rolled_over(balance, amount, Rollover.ACCUMULATE)
    # Then
    owed = min(balance, Decimal(0))
    assert none == owed + amount and lapsed_none == max(balance, Decimal(0))
    assert capped == owed + min(max(balance, Decimal(0)), amount) + amount
    assert carried_cap <= amount and capped <= 2 * amount
    assert accumulated == balance + amount and lapsed_acc == 0


def test_a_refresh_starts_each_period_once_with_its_rollover() -> None:
    # Given a monthly cap-to-one-period grant, 20.00 used in its first period
    grant = a_grant(rollover=Rollover.CAP_TO_ONE_PERIOD)
    grant.debit(debit_id="d1", amount=Decimal("20.00"), source=MANUAL, now=T0)
    grant.pull_events()
    # When the refresh runs at the end of February, twice
    at = datetime(2026, 2, 28, 12, tzinfo=UTC)
    first, second = grant.refresh(at), grant.refresh(at)
    # Then one period started: 30.00 carried + 50.00
    assert (first, second) == (1, 0)
    assert grant.balance == Decimal("80.00")
    assert grant.period == 2
    assert grant.next_refresh_at == datetime(2026, 3, 31, 12, tzinfo=UTC)  # the anchor day
    [refreshed] = grant.pull_events()
    assert refreshed.data["carried"] == "30.00" and refreshed.data["lapsed"] == "0.00"


def test_a_late_refresh_starts_every_period_it_missed_one_by_one() -> None:
    # Given a weekly accumulating count grant nobody refreshed for three weeks
    grant = a_grant(
        unit="count",
        currency_code=None,
        amount_per_period=Decimal(2),
        rollover=Rollover.ACCUMULATE,
        cadence=RefreshCadence(interval=Interval.WEEK),
    )
    # When
    started = grant.refresh(T0 + timedelta(weeks=3))
    # Then
    assert started == 3
    assert grant.balance == Decimal(8)
    assert [e.data["period"] for e in grant.pull_events()[1:]] == [2, 3, 4]


def test_a_suspended_grant_is_not_debited_or_refreshed_and_a_revoked_one_stays_so() -> None:
    # Given a suspended grant
    grant = a_grant()
    grant.suspend(now=T0, reason="review")
    # When / Then
    assert grant.due_at() is None
    assert grant.refresh(T0 + timedelta(days=90)) == 0
    with pytest.raises(AllotmentNotActive):
        grant.debit(debit_id="d1", amount=Decimal(1), source=MANUAL, now=T0)
    grant.revoke(now=T0, reason="fraud")
    with pytest.raises(AllotmentNotActive):
        grant.resume(now=T0)
    assert [e.type for e in grant.pull_events()][1:] == [
        ev.ALLOTMENT_SUSPENDED,
        ev.ALLOTMENT_REVOKED,
    ]


def test_an_order_debits_by_total_items_or_once_as_the_grant_says() -> None:
    # Given an order with two lines: product 1 x2 (20.00), product 2 x1 (5.50)
    lines = [(1, 2, Decimal("20.00")), (2, 1, Decimal("5.50"))]
    wallet = a_grant(order_debit=OrderDebit.ORDER_TOTAL)
    only_1 = a_grant(order_debit=OrderDebit.ORDER_TOTAL, product_ids=(1,))
    items = a_grant(
        unit="count", currency_code=None, amount_per_period=Decimal(5), order_debit="item_count"
    )
    orders = a_grant(
        unit="count",
        currency_code=None,
        amount_per_period=Decimal(5),
        order_debit="order_count",
        product_ids=(9,),
    )
    # When / Then
    assert order_debit_amount(wallet, Decimal("31.50"), lines) == Decimal("31.50")
    assert order_debit_amount(only_1, Decimal("31.50"), lines) == Decimal("20.00")
    assert order_debit_amount(items, Decimal("31.50"), lines) == Decimal(3)
    assert order_debit_amount(orders, Decimal("31.50"), lines) == Decimal(0)
    assert order_debit_amount(a_grant(), Decimal("31.50"), lines) == Decimal(0)
