"""A refund the payment provider declined gave the shopper nothing, so it gives back nothing of
an allotment debit, and the refunds after it give back only what they cover themselves."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bc_subscriptions.domain.allotments import AllotmentUnit, OrderDebit

from .refund_world import COFFEE, RefundWorld

COUNT = AllotmentUnit.COUNT


@pytest.fixture
def rw() -> RefundWorld:
    return RefundWorld.create()


def _declined(rw: RefundWorld, order_id: int, refund_id: int) -> None:
    """The payment provider declines the refund's payment; BigCommerce still lists it."""
    refunds = rw.world.emulator.stores[rw.world.store_hash].refunds[order_id]
    refund = next(r for r in refunds if r["id"] == refund_id)
    refund["payments"][0] |= {"is_declined": True, "declined_message": "card closed"}


def test_a_declined_refund_gives_back_nothing_of_the_debit(rw: RefundWorld) -> None:
    # Given an order of five bags that debited five counts of a 10-count allotment
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    order = rw.order({COFFEE: 5})
    # When the merchant refunds two bags and the provider declines the refund's payment
    refund = rw.refund_units(order, COFFEE, 2)
    _declined(rw, order, refund)
    outcome = rw.deliver_refund(order, refund)
    # Then nothing came back, and the debit still holds all five
    assert (outcome, rw.balance(grant)) == ("reversed:0", Decimal(5))
    debit = rw.debit_of(grant, order)
    assert (debit.reversed_amount, debit.remaining(), debit.reversals) == (0, 5, {})
    assert rw.reversals() == []


def test_a_refund_after_a_declined_one_gives_back_only_what_it_covers(rw: RefundWorld) -> None:
    # Given a debit of five counts, and a declined refund of two bags delivered already
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    order = rw.order({COFFEE: 5})
    declined = rw.refund_units(order, COFFEE, 2)
    _declined(rw, order, declined)
    rw.deliver_refund(order, declined)
    # When a later refund of one bag goes through
    paid = rw.refund_units(order, COFFEE, 1)
    outcome = rw.deliver_refund(order, paid)
    # Then one count came back, by that refund alone
    assert (outcome, rw.balance(grant)) == ("reversed:1", Decimal(6))
    assert rw.debit_of(grant, order).reversals == {f"alr_refund_{paid}": Decimal(1)}
