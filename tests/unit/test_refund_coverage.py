"""What an order's refunds give back of a debit: the pure arithmetic, and the property that no
sequence of partial refunds, however delivered, gives back more than the debit took."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bc_subscriptions.domain.allotments import (
    AllotmentUnit,
    DebitSource,
    OrderDebit,
    exact,
    order_debit_amount,
)
from bc_subscriptions.domain.refund_coverage import (
    DebitTerms,
    OrderRefund,
    RefundedLine,
    RefundItem,
    covered,
    dues,
    fully_refunded,
    given_back,
)

from .test_allotment_event_schemas import _validator
from .test_allotments import T0, a_grant

COUNT, CURRENCY = AllotmentUnit.COUNT, AllotmentUnit.CURRENCY
LINES = [
    RefundedLine(id=1, product_id=10, quantity=5, unit_price=Decimal("25.0000")),
    RefundedLine(id=2, product_id=20, quantity=1, unit_price=Decimal("12.0000")),
]


def _refund(refund_id: int, *items: RefundItem, total: str = "0") -> OrderRefund:
    return OrderRefund(id=refund_id, total_amount=Decimal(total), items=items)


def _line(line_id: int, quantity: int, adjustment: str = "0") -> RefundItem:
    return RefundItem(
        item_type="PRODUCT", item_id=line_id, quantity=quantity, adjustment=Decimal(adjustment)
    )


def test_a_count_covers_the_refunded_units_of_matching_lines_only() -> None:
    # Given an item count of product 10's lines, and a refund of two of them and the other line
    terms = DebitTerms(unit=COUNT, order_debit=OrderDebit.ITEM_COUNT, product_ids=(10,))
    refund = _refund(1, _line(1, 2), _line(2, 1))
    # When / Then only the two units of product 10 are covered
    assert covered(terms, LINES, Decimal("137"), [refund]) == Decimal(2)


def test_a_wallet_covers_the_lines_money_less_what_was_kept_back_and_never_shipping() -> None:
    # Given a wallet of the whole order, a refund of one unit with 5.00 kept back, and shipping
    terms = DebitTerms(unit=CURRENCY, order_debit=OrderDebit.ORDER_TOTAL)
    shipping = RefundItem(item_type="SHIPPING", item_id=9, amount=Decimal("5"))
    tax = RefundItem(item_type="TAX", item_id=9, amount=Decimal("3"))
    refund = _refund(1, _line(1, 1, "-5"), shipping, tax)
    # When / Then the unit's 25.00 less the 5.00 is covered; shipping and tax cover nothing
    assert covered(terms, LINES, Decimal("142"), [refund]) == Decimal("20.0000")


def test_refunds_of_a_line_never_cover_more_units_than_it_has() -> None:
    # Given a count, and two refunds that together name more units of line 2 than it has
    terms = DebitTerms(unit=COUNT, order_debit=OrderDebit.ITEM_COUNT)
    refunds = [_refund(1, _line(2, 1)), _refund(2, _line(2, 1))]
    # When / Then the line's one unit is covered once
    assert covered(terms, LINES, Decimal("137"), refunds) == Decimal(1)


def test_a_debit_that_took_less_than_asked_settles_what_was_owed_first() -> None:
    # Given a debit that took 3 of 5 (two owed)
    # When refunds cover 1, then 4, then all 5
    back = [given_back(COUNT, Decimal(3), Decimal(5), Decimal(c), whole=False) for c in (1, 4, 5)]
    # Then the first settles owed units only, and the last gives back all three
    assert back == [Decimal(0), Decimal(2), Decimal(3)]


def test_what_a_wallet_gets_back_is_rounded_down_to_the_cent() -> None:
    # Given a wallet debit of 50.00, and a cover of 9.8901
    # When / Then 9.89 comes back
    assert given_back(CURRENCY, Decimal(50), Decimal(50), Decimal("9.8901"), whole=False) == (
        Decimal("9.89")
    )


def test_an_order_is_fully_refunded_once_its_refunds_reach_its_total_in_cents() -> None:
    # Given an order of 67.0049 and refunds of 12.00 and 55.00
    refunds = [_refund(1, total="12.00"), _refund(2, total="55.00")]
    # When / Then the first alone leaves some, both leave nothing
    assert not fully_refunded(Decimal("67.0049"), refunds[:1])
    assert fully_refunded(Decimal("67.0049"), refunds)


# -- the property --------------------------------------------------------------------------------
KINDS = [
    (COUNT, OrderDebit.ITEM_COUNT),
    (COUNT, OrderDebit.ORDER_COUNT),
    (CURRENCY, OrderDebit.ORDER_TOTAL),
]
CENT = Decimal("0.01")


@st.composite
def refunded_orders(draw: Any) -> dict[str, Any]:
    """An order, a grant that debited it (maybe short of balance), and refunds of it that
    BigCommerce would accept (never more of a line, of shipping or of the order than is left)."""
    lines = [
        RefundedLine(
            id=n,
            product_id=draw(st.sampled_from([1, 2, 3])),
            quantity=draw(st.integers(1, 6)),
            unit_price=draw(st.decimals(Decimal("0.01"), Decimal("99.9999"), places=4)),
        )
        for n in range(1, draw(st.integers(1, 4)) + 1)
    ]
    shipping = draw(st.decimals(Decimal(0), Decimal(20), places=2))
    total = sum((ln.unit_price * ln.quantity for ln in lines), shipping)
    unit, order_debit = draw(st.sampled_from(KINDS))
    product_ids = draw(st.sampled_from([(), (1,), (2, 3)]))
    refunds, left_qty = [], {ln.id: ln.quantity for ln in lines}
    left_ship, left_total = shipping, total.quantize(CENT)
    for refund_id in range(1, draw(st.integers(1, 6)) + 1):
        items, money = [], Decimal(0)
        for line in lines:
            qty = draw(st.integers(0, left_qty[line.id]))
            if qty:
                left_qty[line.id] -= qty
                money += line.unit_price * qty
                items.append(RefundItem(item_type="PRODUCT", item_id=line.id, quantity=qty))
        money = money.quantize(CENT)
        ship = draw(st.decimals(Decimal(0), left_ship, places=2))
        if ship:
            left_ship -= ship
            items.append(RefundItem(item_type="SHIPPING", item_id=99, amount=ship))
        orderwide = draw(st.decimals(Decimal(0), max(left_total - money - ship, 0), places=2))
        if orderwide:
            items.append(RefundItem(item_type="ORDER", item_id=1, amount=orderwide))
        given = money + ship + orderwide
        if not items or given > left_total:
            break
        left_total -= given
        refunds.append(OrderRefund(id=refund_id, total_amount=given, items=tuple(items)))
    return {
        "lines": lines,
        "total": total,
        "terms": DebitTerms(unit=unit, order_debit=order_debit, product_ids=product_ids),
        "balance": draw(st.integers(1, 60)),
        "refunds": refunds,
        "deliveries": draw(st.lists(st.integers(0, 2), min_size=len(refunds), max_size=6)),
    }


@settings(max_examples=300, deadline=None)
@given(case=refunded_orders())
def test_no_sequence_of_partial_refunds_gives_back_more_than_the_debit_took(
    case: dict[str, Any],
) -> None:
    # Given a grant that debited the order what it could, with the order's refunds made one by
    # one and their webhooks delivered 0, 1 or 2 times each (a lost one is caught up later)
    terms, lines, total = case["terms"], case["lines"], case["total"]
    currency = terms.unit is CURRENCY
    grant = a_grant(
        unit=terms.unit,
        currency_code="USD" if currency else None,
        amount_per_period=Decimal(case["balance"]),
        order_debit=terms.order_debit,
        product_ids=terms.product_ids,
    )
    priced = [(ln.product_id, ln.quantity, ln.unit_price * ln.quantity) for ln in lines]
    requested = order_debit_amount(grant, total, priced)
    if currency:
        requested = requested.quantize(CENT)
    if requested <= 0:
        return  # the order debited nothing, so nothing can come back
    source = DebitSource(kind="order", id="1")
    debit = grant.debit(
        debit_id="ald_order_1", amount=requested, source=source, now=T0, partial=True
    )
    assert debit is not None
    after_debit = grant.balance
    seen: list[Decimal] = []

    def deliver(listed: list[OrderRefund]) -> None:
        owed = dues(terms, lines, total, (debit.amount, debit.requested_amount), listed)
        for refund, due in zip(listed, owed, strict=True):
            part = grant.reverse_refunded(
                debit, reversal_id=f"alr_refund_{refund.id}", due=due, now=T0, reason="refund"
            )
            assert part >= 0 and part == exact(terms.unit, part)
            seen.append(debit.reversed_amount)

    # When each refund is made and its webhook delivered as drawn, and one last delivery follows
    refunds = case["refunds"]
    for n, times in enumerate(case["deliveries"][: len(refunds)], 1):
        for _ in range(times):
            deliver(refunds[:n])
    deliver(refunds)
    # Then what came back never went down, never passed what the debit took, sits in the
    # balance, and is all of it once nothing of the order is left unrefunded
    assert seen == sorted(seen)
    assert Decimal(0) <= debit.reversed_amount <= debit.amount
    assert sum(debit.reversals.values(), Decimal(0)) == debit.reversed_amount
    assert grant.balance == after_debit + debit.reversed_amount
    final = dues(terms, lines, total, (debit.amount, debit.requested_amount), refunds)
    assert debit.reversed_amount == (final[-1] if final else 0)
    if fully_refunded(total, refunds):
        assert debit.reversed_amount == debit.amount


def test_a_refunds_part_of_a_debit_is_an_event_that_matches_its_schema() -> None:
    # Given a count grant debited 5 by an order
    grant = a_grant(unit=COUNT, currency_code=None, amount_per_period=Decimal(10))
    source = DebitSource(kind="order", id="100")
    debit = grant.debit(debit_id="ald_order_100", amount=Decimal(5), source=source, now=T0)
    assert debit is not None
    grant.pull_events()
    # When a refund gives back 2 of it, and the same refund is applied again
    first = grant.reverse_refunded(
        debit, reversal_id="alr_refund_7", due=Decimal(2), now=T0, reason="refund"
    )
    again = grant.reverse_refunded(
        debit, reversal_id="alr_refund_7", due=Decimal(4), now=T0, reason="refund"
    )
    # Then it gave back 2 once, and its one event carries the reversal and what remains
    assert (first, again, grant.balance, debit.remaining()) == (2, 0, 7, 3)
    [event] = grant.pull_events()
    assert (event.data["reversal_id"], event.data["amount"], event.data["remaining"]) == (
        "alr_refund_7",
        "2",
        "3",
    )
    errors = list(_validator(event.type).iter_errors(event.envelope()))
    assert errors == [], [e.message for e in errors]
