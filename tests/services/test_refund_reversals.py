"""A refund gives back only the part of each allotment debit it covers: the refunded units of
matching lines for a count, their refunded money for a wallet, nothing for shipping alone, and
what remains once the order is refunded in full; once per refund, however it is delivered."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from bc_subscriptions.adapters.memory.allotments import MemoryAllotments
from bc_subscriptions.domain.allotments import (
    AllotmentDebit,
    AllotmentUnit,
    DebitAlreadyReversed,
    OrderDebit,
)
from bc_subscriptions.ports.allotment_storage import GrantChange, GrantRecord
from bc_subscriptions.services.allotments import reverse_debit
from bc_subscriptions.services.refund_reversals import RefundNotListed
from devstack.bc_emulator.refunds import RefundRefused

from .crashing import Crash
from .refund_world import COFFEE, MUG, RefundWorld
from .test_allotment_concurrency import RacingAllotments

COUNT, CURRENCY = AllotmentUnit.COUNT, AllotmentUnit.CURRENCY


@pytest.fixture
def rw() -> RefundWorld:
    return RefundWorld.create()


def test_refunding_one_item_of_five_gives_back_one_count_not_the_whole_debit(
    rw: RefundWorld,
) -> None:
    # Given a 10-item allotment, debited 5 by an order of five bags of coffee
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    order = rw.order({COFFEE: 5})
    assert rw.balance(grant) == Decimal(5)
    # When the merchant refunds one bag
    refund = rw.refund_units(order, COFFEE, 1)
    rw.world.emulator.reset_calls()
    outcome = rw.deliver_refund(order, refund)
    # Then one count came back, and the debit still holds four, for two BigCommerce reads
    assert outcome == "reversed:1"
    assert [path.split("/", 3)[3] for _, path in rw.world.emulator.calls] == [
        f"v3/orders/{order}/payment_actions/refunds",
        f"v2/orders/{order}",
    ]
    assert rw.balance(grant) == Decimal(6)
    debit = rw.debit_of(grant, order)
    assert (debit.reversed_amount, debit.remaining(), debit.reversed_at) == (1, 4, None)
    [event] = rw.reversals()
    assert (event["amount"], event["reversal_id"], event["remaining"]) == (
        "1",
        f"alr_refund_{refund}",
        "4",
    )


def test_several_partial_refunds_give_back_the_whole_debit_and_never_more(
    rw: RefundWorld,
) -> None:
    # Given an order of five bags that debited five counts
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    order = rw.order({COFFEE: 5})
    # When two bags are refunded, then one, then what is left of the order (two and shipping)
    for refund in (rw.refund_units(order, COFFEE, 2), rw.refund_units(order, COFFEE, 1)):
        rw.deliver_refund(order, refund)
    assert rw.balance(grant) == Decimal(8)
    rw.deliver_refund(order, rw.refund(order))
    # Then the five came back in three parts, and the debit reads as reversed
    assert [e["amount"] for e in rw.reversals()] == ["2", "1", "2"]
    assert rw.balance(grant) == Decimal(10)
    assert rw.debit_of(grant, order).reversed_at is not None
    # and BigCommerce refuses a further refund of the order, so nothing more can come back
    with pytest.raises(RefundRefused):
        rw.refund_units(order, COFFEE, 1)


def test_a_wallet_gets_back_the_refunded_lines_money_and_nothing_for_shipping_alone(
    rw: RefundWorld,
) -> None:
    # Given a 100.00 wallet debited 67.00 by two bags (50.00), a mug (12.00) and 5.00 shipping
    grant = rw.grant(CURRENCY, OrderDebit.ORDER_TOTAL, "100.00")
    order = rw.order({COFFEE: 2, MUG: 1})
    assert rw.balance(grant) == Decimal("33.00")
    # When the mug is refunded, then the shipping alone
    rw.deliver_refund(order, rw.refund_units(order, MUG, 1))
    after_mug = rw.balance(grant)
    shipping = [{"item_type": "SHIPPING", "item_id": rw.address_id(order), "amount": 5}]
    outcome = rw.deliver_refund(order, rw.refund(order, shipping))
    # Then the mug's 12.00 came back, and the shipping gave back nothing
    assert after_mug == Decimal("45.00")
    assert (outcome, rw.balance(grant)) == ("reversed:0", Decimal("45.00"))


def test_refunding_the_rest_of_the_order_at_order_level_gives_back_what_remains(
    rw: RefundWorld,
) -> None:
    # Given a wallet debited 67.00 by an order whose mug was refunded (12.00 back)
    grant = rw.grant(CURRENCY, OrderDebit.ORDER_TOTAL, "100.00")
    order = rw.order({COFFEE: 2, MUG: 1})
    rw.deliver_refund(order, rw.refund_units(order, MUG, 1))
    # When the merchant refunds 10.00 of the order as a whole, then the remaining 45.00 so
    ten = [{"item_type": "ORDER", "item_id": order, "amount": 10}]
    rw.deliver_refund(order, rw.refund(order, ten))
    after_ten = rw.balance(grant)
    rest = [{"item_type": "ORDER", "item_id": order, "amount": 45}]
    rw.deliver_refund(order, rw.refund(order, rest))
    # Then the 10.00 came back, and the last refund gave back all that remained (45.00,
    # shipping included: nothing of the order is left unrefunded)
    assert after_ten == Decimal("55.00")
    assert rw.balance(grant) == Decimal("100.00")
    assert [e["amount"] for e in rw.reversals()] == ["12.00", "10.00", "45.00"]


def test_a_grant_of_some_products_gets_back_only_what_their_lines_refund(
    rw: RefundWorld,
) -> None:
    # Given a mug allotment of 4 and a coffee wallet, both debited by one order
    mugs = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "4", product_ids=(MUG,))
    wallet = rw.grant(CURRENCY, OrderDebit.ORDER_TOTAL, "80.00", product_ids=(COFFEE,))
    order = rw.order({COFFEE: 2, MUG: 3})
    assert (rw.balance(mugs), rw.balance(wallet)) == (Decimal(1), Decimal("30.00"))
    # When one bag of coffee is refunded
    rw.deliver_refund(order, rw.refund_units(order, COFFEE, 1))
    # Then the wallet got the bag's 25.00 back and the mug allotment nothing
    assert (rw.balance(mugs), rw.balance(wallet)) == (Decimal(1), Decimal("55.00"))
    # and an order-level 18.00 covers the coffee's share of the 91.00 order only (50/91)
    orderwide = [{"item_type": "ORDER", "item_id": order, "amount": 18}]
    rw.deliver_refund(order, rw.refund(order, orderwide))
    assert rw.balance(wallet) == Decimal("64.89")  # 55.00 + 9.89 (9.8901 rounded down)
    assert rw.balance(mugs) == Decimal(1)


def test_an_order_counted_once_comes_back_when_every_matching_line_is_refunded(
    rw: RefundWorld,
) -> None:
    # Given an order-count allotment for mugs, counted once by an order of two mugs and coffee
    grant = rw.grant(COUNT, OrderDebit.ORDER_COUNT, "3", product_ids=(MUG,))
    order = rw.order({COFFEE: 1, MUG: 2})
    # When one mug is refunded, then the other
    rw.deliver_refund(order, rw.refund_units(order, MUG, 1))
    after_one = rw.balance(grant)
    rw.deliver_refund(order, rw.refund_units(order, MUG, 1))
    # Then the order counts until its last mug is refunded
    assert (after_one, rw.balance(grant)) == (Decimal(2), Decimal(3))


def test_a_debit_the_grant_could_not_cover_gives_back_only_past_what_was_owed(
    rw: RefundWorld,
) -> None:
    # Given 3 counts left when an order of five bags arrived: the debit took 3 of 5
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "3")
    order = rw.order({COFFEE: 5})
    debit = rw.debit_of(grant, order)
    assert (debit.amount, debit.requested_amount, rw.balance(grant)) == (3, 5, 0)
    # When one bag is refunded, then three more
    rw.deliver_refund(order, rw.refund_units(order, COFFEE, 1))
    after_one = rw.balance(grant)
    rw.deliver_refund(order, rw.refund_units(order, COFFEE, 3))
    # Then the first settles one of the two the grant never covered, and the next gives
    # back what the shopper no longer uses: two of the three it took
    assert (after_one, rw.balance(grant)) == (Decimal(0), Decimal(2))


def test_a_duplicate_webhook_and_a_later_refunds_delivery_give_nothing_twice(
    rw: RefundWorld,
) -> None:
    # Given an order of five bags, and a refund of one bag delivered
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    order = rw.order({COFFEE: 5})
    first = rw.refund_units(order, COFFEE, 1)
    rw.deliver_refund(order, first)
    # When it is delivered again, then a second refund of one bag is delivered twice
    outcomes = [rw.deliver_refund(order, first)]
    second = rw.refund_units(order, COFFEE, 1)
    outcomes += [rw.deliver_refund(order, second), rw.deliver_refund(order, second)]
    # Then each refund gave back one count once
    assert outcomes == ["reversed:0", "reversed:1", "reversed:0"]
    assert rw.balance(grant) == Decimal(7)
    assert [e["reversal_id"] for e in rw.reversals()] == [
        f"alr_refund_{first}",
        f"alr_refund_{second}",
    ]


def test_a_refund_whose_webhook_was_lost_is_given_back_with_the_next_one(
    rw: RefundWorld,
) -> None:
    # Given two refunds of one bag each, the first's webhook never delivered
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    order = rw.order({COFFEE: 5})
    lost = rw.refund_units(order, COFFEE, 1)
    second = rw.refund_units(order, COFFEE, 1)
    # When the second is delivered
    rw.deliver_refund(order, second)
    # Then both gave back their count, each under its own reversal
    assert rw.balance(grant) == Decimal(7)
    assert [e["reversal_id"] for e in rw.reversals()] == [
        f"alr_refund_{lost}",
        f"alr_refund_{second}",
    ]


class CrashAfterFirstWrite(MemoryAllotments):
    """The worker dies right after its first grant's reversal committed."""

    writes = 0

    def write(self, change: GrantChange) -> None:
        super().write(change)
        self.writes += 1
        if self.writes == 1:
            raise Crash("died after the first grant's reversal")


def test_a_crash_between_two_grants_reversals_leaves_the_retry_to_finish_once(
    rw: RefundWorld,
) -> None:
    # Given one order (five bags and shipping, 130.00) that debited two grants, and a refund of
    # two of its bags
    counts = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    wallet = rw.grant(CURRENCY, OrderDebit.ORDER_TOTAL, "200.00")
    order = rw.order({COFFEE: 5})
    refund = rw.refund_units(order, COFFEE, 2)
    # When the worker dies after the first grant's reversal, and the delivery is retried
    with pytest.raises(Crash):
        rw.deliver_refund(order, refund, grants=CrashAfterFirstWrite(rw.world.store))
    rw.deliver_refund(order, refund)
    # Then each grant got its part back once
    assert (rw.balance(counts), rw.balance(wallet)) == (Decimal(7), Decimal("120.00"))
    assert len(rw.reversals()) == 2


class RacingDebitReads(RacingAllotments):
    """Each worker's first read of the debit waits until both have read it: both hold the grant
    and the debit as they were, so both compute the same reversals and race to write them."""

    def get(self, store_hash: str, grant_id: str) -> GrantRecord | None:
        return MemoryAllotments.get(self, store_hash, grant_id)

    def debit(self, store_hash: str, grant_id: str, debit_id: str) -> AllotmentDebit | None:
        found = MemoryAllotments.debit(self, store_hash, grant_id, debit_id)
        if getattr(self._first, "done", False) is False and self.racing:
            self._first.done = True
            self._all_read.wait(timeout=10)
        return found


def test_two_workers_racing_on_two_refunds_of_one_order_give_each_back_once(
    rw: RefundWorld,
) -> None:
    # Given an order of five bags and two refunds of two bags and one bag, both listed
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    order = rw.order({COFFEE: 5})
    refunds = [rw.refund_units(order, COFFEE, 2), rw.refund_units(order, COFFEE, 1)]
    racing = RacingDebitReads(rw.world.store, writers=2)
    racing.racing = True

    def deliver(refund: int) -> str:
        return rw.deliver_refund(order, refund, grants=racing)

    # When both webhooks are worked at once, each worker reading the grant before either writes
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(deliver, refunds))
    # Then one wrote both reversals, the other found them written: three counts back, once
    assert outcomes == ["reversed:0", "reversed:2"]
    assert racing.conflicts == 1
    assert rw.balance(grant) == Decimal(8)


def test_the_merchant_reversing_a_partly_refunded_debit_gives_back_only_what_is_left(
    rw: RefundWorld,
) -> None:
    # Given a debit of five with one bag refunded
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    order = rw.order({COFFEE: 5})
    rw.deliver_refund(order, rw.refund_units(order, COFFEE, 1))
    # When the merchant reverses the debit, and a later refund of the order arrives
    reverse_debit(rw.world.store_hash, grant, f"ald_order_{order}", deps=rw.deps())
    outcome = rw.deliver_refund(order, rw.refund_units(order, COFFEE, 2))
    # Then the four left came back, the refund found nothing more, and a second reversal is
    # refused
    assert (rw.balance(grant), outcome) == (Decimal(10), "reversed:0")
    with pytest.raises(DebitAlreadyReversed):
        reverse_debit(rw.world.store_hash, grant, f"ald_order_{order}", deps=rw.deps())


def test_a_refund_of_an_order_that_debited_nothing_costs_no_bigcommerce_call(
    rw: RefundWorld,
) -> None:
    # Given an order placed while the shopper held no grant
    order = rw.order({COFFEE: 1})
    refund = rw.refund(order)
    rw.world.emulator.reset_calls()
    # When its refund is delivered
    outcome = rw.deliver_refund(order, refund)
    # Then nothing was read from BigCommerce
    assert (outcome, rw.world.emulator.calls) == ("no_debits", [])


def test_a_refund_bigcommerce_does_not_list_yet_is_left_for_a_retry(rw: RefundWorld) -> None:
    # Given an order that debited a grant
    grant = rw.grant(COUNT, OrderDebit.ITEM_COUNT, "10")
    order = rw.order({COFFEE: 2})
    # When a webhook names a refund BigCommerce's list does not have yet
    with pytest.raises(RefundNotListed):
        rw.deliver_refund(order, 999)
    # Then nothing was given back
    assert rw.balance(grant) == Decimal(8)
