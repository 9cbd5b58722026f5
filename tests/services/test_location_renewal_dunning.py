"""Declines and location changes of a multi-location subscription: one declined location puts
the subscription past due, the retry pays only what is unpaid, and a location added or
removed while a cycle runs reaches the next cycle only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bc_subscriptions.domain.locations import LocationRuleBroken
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.services.delivery_locations import add_location, remove_location
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_workflow import run_renewal

from ..emulator_store import PRODUCT_ID
from .crashing import CommitHook, Crash, die_after
from .locations_world import BeforeNthCall, location, three_locations
from .world import MemoryWorld


def _paid(world: MemoryWorld, order_id: int) -> int:
    txs = world.emulator.transactions(world.store_hash, order_id)
    # A pending transaction is accepted, not paid.
    return sum(1 for t in txs if t["status"] == "ok" and t["event"] != "pending")


def _decline_second_location(world: MemoryWorld, cmd: RenewSubscription, behavior: str) -> None:
    [sub] = world.subscriptions()
    assert sub.payment_method is not None
    token = sub.payment_method.instrument_token

    def card(b: str) -> None:
        world.emulator.set_card_behavior(world.store_hash, token, b)

    calls = {2: lambda: card(behavior), 3: lambda: card("ok")}
    bc = world.bc
    for nth, arm in calls.items():
        bc = BeforeNthCall(bc, "process_stored_payment", nth, arm)
    run_renewal(cmd, world.deps("w", bc=bc))


def test_one_declined_location_makes_the_subscription_past_due_and_the_retry_pays_only_it(
    world: MemoryWorld,
) -> None:
    # Given the card declines for insufficient funds at the second location only
    cmd = three_locations(world)
    _decline_second_location(world, cmd, "insufficient_funds")
    # Then the other two are paid and the subscription waits for the dunning retry
    [sub] = world.subscriptions()
    assert sub.status.value == "past_due" and sub.next_cycle == 2
    orders = sorted(world.renewal_orders(), key=lambda o: o["id"])
    assert [_paid(world, o["id"]) for o in orders] == [1, 0, 1]
    types = world.event_types()
    assert types.count("charge.failed") == 1 and types.count("charge.stage.payment_failed") == 1
    # When the retry comes
    world.advance_clock(timedelta(days=3))
    world.sweep()
    world.work()
    # Then only the declined order was paid again, no new order, the cycle renewed once
    assert [
        _paid(world, o["id"]) for o in sorted(world.renewal_orders(), key=lambda o: o["id"])
    ] == [
        1,
        1,
        1,
    ]
    assert len(world.renewal_orders()) == 3
    [sub] = world.subscriptions()
    assert sub.status.value == "active" and sub.next_cycle == 3
    assert world.event_types().count("subscription.renewed") == 1


def test_a_hard_decline_at_one_location_is_never_retried_automatically(
    world: MemoryWorld,
) -> None:
    # Given the second location's payment is a hard decline (the card expired)
    cmd = three_locations(world)
    _decline_second_location(world, cmd, "expired")
    failed = [c for c in world.charges() if c.cycle == 2 and c.location_id is None]
    assert failed[0].decline_class is not None and failed[0].decline_class.value == "hard"
    attempts = len(world.emulator.transactions(world.store_hash, world.renewal_orders()[1]["id"]))
    # When days pass and the sweeps run
    for _ in range(3):
        world.advance_clock(timedelta(days=1))
        world.sweep()
        world.work()
    # Then nothing paid the declined order again
    order = sorted(world.renewal_orders(), key=lambda o: o["id"])[1]
    assert len(world.emulator.transactions(world.store_hash, order["id"])) == attempts
    assert world.subscriptions()[0].status.value != "active"


def test_a_location_added_while_a_cycle_runs_ships_from_the_next_cycle(
    world: MemoryWorld,
) -> None:
    # Given a worker dies in the middle of cycle 2, after the first location's order exists
    cmd = three_locations(world)
    [sub] = world.subscriptions()
    with pytest.raises(Crash):
        run_renewal(cmd, world.deps("dying", uow=CommitHook(world.uow(), die_after(5))))
    # When the merchant adds a fourth location and removes the first meanwhile
    now = world.clock.now()
    added = add_location(world.store_hash, sub.id, location("Denver"), uow=world.uow(), now=now)
    first = sub.delivery_locations[0].id
    removed = remove_location(world.store_hash, sub.id, first, uow=world.uow(), now=now)
    # Then both apply from cycle 3; cycle 2 still ships to the three it was claimed with
    assert added.applies_from_cycle == removed.applies_from_cycle == 3
    world.advance_clock(timedelta(minutes=10))
    world.sweep()
    world.work()
    cities = sorted(_city(world, o["id"]) for o in world.renewal_orders())
    assert cities == ["Austin", "Boston", "Chicago"]
    # And cycle 3 ships to Boston, Chicago and Denver
    world.renew()
    cycle3 = [o for o in world.renewal_orders() if "-c3-" in o["external_order_id"]]
    assert sorted(_city(world, o["id"]) for o in cycle3) == ["Boston", "Chicago", "Denver"]
    assert world.subscriptions()[0].next_cycle == 4


def test_a_location_added_before_the_cycle_starts_ships_in_that_cycle(
    world: MemoryWorld,
) -> None:
    # Given a subscription with one location and nothing claimed yet
    world.subscribe()
    [sub] = world.subscriptions()
    # When a location is added
    change = add_location(
        world.store_hash, sub.id, location("Austin"), uow=world.uow(), now=world.clock.now()
    )
    world.renew()
    # Then the coming cycle ships one order there, at the location's own shipping cost
    assert change.applies_from_cycle == 2
    [order] = world.renewal_orders()
    assert _city(world, order["id"]) == "Austin"
    assert Decimal(order["shipping_cost_inc_tax"]) == Decimal("5.00")


def test_removing_the_last_location_goes_back_to_one_order_at_the_subscription_address(
    world: MemoryWorld,
) -> None:
    # Given a subscription that had one location, removed before the cycle
    world.subscribe()
    [sub] = world.subscriptions()
    now = world.clock.now()
    change = add_location(world.store_hash, sub.id, location("Austin"), uow=world.uow(), now=now)
    remove_location(world.store_hash, sub.id, change.location.id, uow=world.uow(), now=now)
    # When it renews
    world.renew()
    # Then the one order ships where the checkout shipped, as before locations existed
    [order] = world.renewal_orders()
    [address] = world.emulator.stores[world.store_hash].shipping[order["id"]]
    assert sub.shipping_address is not None
    assert address["street_1"] == sub.shipping_address["street_1"] != "1 Austin Way"
    assert order["external_order_id"].endswith("-c2")


def _city(world: MemoryWorld, order_id: int) -> str:
    [address] = world.emulator.stores[world.store_hash].shipping[order_id]
    return str(address["city"])


def test_a_prepaid_subscription_takes_no_location_and_nothing_is_written(
    world: MemoryWorld,
) -> None:
    # Given a plan whose one charge pays three deliveries
    world.put_plan(
        Plan(
            product_id=PRODUCT_ID,
            cadences=[Cadence(label="Monthly", interval=Interval.MONTH)],
            billing_period_count=3,
        )
    )
    world.subscribe()
    [sub] = world.subscriptions()
    before = world.event_types()
    # When / Then the deliveries it paid for would ship free to a location added meanwhile
    with pytest.raises(LocationRuleBroken) as refused:
        add_location(
            world.store_hash, sub.id, location("Austin"), uow=world.uow(), now=world.clock.now()
        )
    assert refused.value.code == "prepaid_plan"
    assert world.subscriptions()[0].delivery_locations == [] and world.event_types() == before


def test_pending_location_payments_renew_the_cycle_once_all_have_settled(
    world: MemoryWorld,
) -> None:
    # Given a gateway that answers every payment pending
    cmd = three_locations(world)
    world.emulator.set_payment_answer(world.store_hash, "pending")
    # When the cycle renews
    assert run_renewal(cmd, world.deps("w")).outcome == "payment_pending"
    orders = sorted(world.renewal_orders(), key=lambda o: o["id"])
    # Then nothing is paid yet, and a later sweep pays nothing again
    world.advance_clock(timedelta(minutes=10))
    world.sweep()
    world.work()
    assert world.subscriptions()[0].next_cycle == 2
    assert all(_paid(world, o["id"]) == 0 for o in orders)
    # When two settle, the cycle still waits; when the third does, it renews once
    for order in orders[:2]:
        world.emulator.settle_pending_payment(world.store_hash, order["id"])
    world.advance_clock(timedelta(minutes=10))
    world.sweep()
    world.work()
    assert world.subscriptions()[0].next_cycle == 2
    world.emulator.settle_pending_payment(world.store_hash, orders[2]["id"])
    world.advance_clock(timedelta(minutes=10))
    world.sweep()
    world.work()
    # Then
    assert [_paid(world, o["id"]) for o in orders] == [1, 1, 1]
    [sub] = world.subscriptions()
    assert sub.status.value == "active" and sub.next_cycle == 3
    assert world.event_types().count("subscription.renewed") == 1
