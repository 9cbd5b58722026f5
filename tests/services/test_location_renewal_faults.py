"""Fault injection over a three-location renewal: whatever fails, one order and one payment per
(cycle, location), each order shipping to its own location.

The same faults as the single-order matrix (`test_renewal_faults.py`): a crash after any
commit or right after a BigCommerce call was applied, lost answers and failing read-backs,
two workers on the cycle, the same message twice. Every case ends, after re-sweeping, with
three paid orders, the cycle recorded once and each location's stages recorded once.
"""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_workflow import RetryLater, run_renewal

from .crashing import KINDS, CommitHook, Crash, CrashAfterCall, die_after
from .locations_world import CITIES, BeforeNthCall, DeclinesOneLocation, three_locations
from .world import PRICE, MemoryWorld

HAPPY_COMMITS = 2 + 6 * len(CITIES) + 1


def _resweep(world: MemoryWorld, rounds: int = 2) -> None:
    for _ in range(rounds):
        world.advance_clock(timedelta(minutes=10))
        world.sweep()
        world.work()


def _addresses(world: MemoryWorld, order_id: int) -> list[dict[str, Any]]:
    return list(world.emulator.stores[world.store_hash].shipping[order_id])


def assert_three_paid_orders(world: MemoryWorld) -> None:
    orders = sorted(world.renewal_orders(), key=lambda o: o["id"])
    assert len(orders) == 3, [o["external_order_id"] for o in orders]
    cities = []
    for order in orders:
        ok = [
            t
            for t in world.emulator.transactions(world.store_hash, order["id"])
            if t["status"] == "ok"
        ]
        assert len(ok) == 1, (order["id"], ok)
        assert order["status_id"] == 11
        [address] = _addresses(world, order["id"])
        assert address["shipping_method"] == "Flat Rate"
        cities.append(address["city"])
        # The n-th location ships n bags at the locked price, plus its own shipping.
        n = CITIES.index(address["city"]) + 1
        assert Decimal(order["total_inc_tax"]) == PRICE * n + Decimal("5.00")
    assert sorted(cities) == list(CITIES)
    [sub] = world.subscriptions()
    assert sub.status.value == "active" and sub.next_cycle == 3
    types = world.event_types()
    for per_location in (
        "charge.stage.priced",
        "charge.stage.order_created",
        "charge.stage.payment_captured",
    ):
        assert types.count(per_location) == 3, (per_location, types)
    for once in ("charge.succeeded", "subscription.renewed"):
        assert types.count(once) == 1, (once, types)
    cycle_charges = [c for c in world.charges() if c.cycle == 2]
    assert {c.location_id for c in cycle_charges} == {None, *sub_location_ids(world)}
    assert {c.stage.value for c in cycle_charges} == {"completed"}


def sub_location_ids(world: MemoryWorld) -> set[str]:
    [sub] = world.subscriptions()
    return {loc.id for loc in sub.delivery_locations}


def test_a_three_location_renewal_makes_one_paid_order_per_location(world: MemoryWorld) -> None:
    # Given
    cmd = three_locations(world)
    uow = CommitHook(world.uow(), lambda n: None)
    # When
    outcome = run_renewal(cmd, world.deps("w", uow=uow))
    # Then every commit below is a crash point of the matrix
    assert outcome.outcome == "renewed"
    assert uow.commits == HAPPY_COMMITS
    assert_three_paid_orders(world)


def test_the_cycle_succeeded_event_names_what_all_locations_paid(world: MemoryWorld) -> None:
    # Given
    cmd = three_locations(world)
    # When
    run_renewal(cmd, world.deps("w"))
    # Then 1 + 2 + 3 bags and three shipping costs
    events = [json.loads(e.envelope) for e in world.store.events(world.store_hash)]
    [succeeded] = [e["data"] for e in events if e["type"] == "charge.succeeded"]
    assert Decimal(succeeded["amount"]) == PRICE * 6 + Decimal("15.00")
    stages = [e["data"] for e in events if e["type"].startswith("charge.stage")]
    assert len(stages) == 9
    assert {e["location_id"] for e in stages} == sub_location_ids(world)


@pytest.mark.parametrize("crash_after", range(1, HAPPY_COMMITS + 1))
def test_a_worker_crashing_after_any_commit_of_a_location_renewal_pays_each_location_once(
    world: MemoryWorld, crash_after: int
) -> None:
    # Given a worker that dies right after its n-th commit
    cmd = three_locations(world)
    # When it runs, then the cycle is swept again
    with pytest.raises(Crash):
        run_renewal(cmd, world.deps("dying", uow=CommitHook(world.uow(), die_after(crash_after))))
    _resweep(world)
    # Then
    assert_three_paid_orders(world)


@pytest.mark.parametrize(
    "call",
    ["create_order", "tag_order", "create_payment_access_token", "process_stored_payment"],
)
def test_a_worker_crashing_after_a_location_call_was_applied_pays_each_location_once(
    world: MemoryWorld, call: str
) -> None:
    # Given a worker that dies right after BigCommerce applied `call` for the first location
    cmd = three_locations(world)
    # When
    with pytest.raises(Crash):
        run_renewal(cmd, world.deps("dying", bc=CrashAfterCall(world.bc, call)))
    _resweep(world)
    # Then
    assert_three_paid_orders(world)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("nth", [1, 2, 3])
@pytest.mark.parametrize(
    ("first", "then"),
    [
        (("POST", "/stores/*/v2/orders"), ("GET", "/stores/*/v2/orders")),
        (("POST", "/stores/*/payments"), ("GET", "/stores/*/v3/orders/*/transactions")),
    ],
)
def test_a_lost_answer_at_any_location_is_read_back_before_any_retry(
    world: MemoryWorld, first: tuple[str, str], then: tuple[str, str], kind: str, nth: int
) -> None:
    # Given the n-th location's call loses its answer, and then the read that resolves it fails
    cmd = three_locations(world)

    def arm() -> None:
        world.emulator.faults.inject(*first, "5xx_after", times=1)
        world.emulator.faults.inject(*then, kind, times=1)

    call = "create_order" if first[1].endswith("orders") else "process_stored_payment"
    # When the renewal runs and is swept again
    with contextlib.suppress(Exception):  # the message fails; the sweep brings it back
        run_renewal(cmd, world.deps("w", bc=BeforeNthCall(world.bc, call, nth, arm)))
    _resweep(world)
    # Then
    assert world.emulator.faults.pending() == 0
    assert_three_paid_orders(world)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("route", [("POST", "/stores/*/v2/orders"), ("POST", "/stores/*/payments")])
def test_a_failing_call_before_or_after_it_was_applied_never_doubles_a_location(
    world: MemoryWorld, route: tuple[str, str], kind: str
) -> None:
    # Given every location's first try at the call fails one way or another
    cmd = three_locations(world)
    world.emulator.faults.inject(*route, kind, times=3)
    # When
    world.send(cmd)
    world.work()
    _resweep(world, rounds=4)
    # Then
    assert world.emulator.faults.pending() == 0
    assert_three_paid_orders(world)


@pytest.mark.parametrize("interleave_at", range(1, HAPPY_COMMITS + 1))
def test_two_workers_on_a_location_cycle_make_one_order_and_payment_per_location(
    world: MemoryWorld, interleave_at: int
) -> None:
    # Given worker B runs the same cycle right after A's n-th commit
    cmd = three_locations(world)
    outcomes: list[str] = []

    def b_runs(n: int) -> None:
        if n == interleave_at:
            try:
                outcomes.append(run_renewal(cmd, world.deps("b")).outcome)
            except RetryLater:
                outcomes.append("backed_off")

    # When A runs around B
    try:
        outcomes.append(
            run_renewal(cmd, world.deps("a", uow=CommitHook(world.uow(), b_runs))).outcome
        )
    except RetryLater:
        outcomes.append("a_backed_off")
    _resweep(world)
    # Then
    assert "renewed" in outcomes
    assert_three_paid_orders(world)


def test_the_same_message_twice_renews_the_locations_once(world: MemoryWorld) -> None:
    # Given
    cmd = three_locations(world)
    # When SQS delivers the message twice
    world.send(cmd)
    world.send(cmd)
    world.work()
    # Then
    assert world.outcomes == ["renewed", "already_done"]
    assert_three_paid_orders(world)


# The decline path commits: claim, the cycle priced, the first location's six, the declined
# location's five (priced, order attempted, order created, payment attempted, failed), the
# third's six, the cycle's outcome.
DECLINE_COMMITS = 2 + 6 + 5 + 6 + 1


def _declining_second(world: MemoryWorld) -> RenewSubscription:
    cmd = three_locations(world)
    [sub] = world.subscriptions()
    world.bc = DeclinesOneLocation(world, sub.delivery_locations[1].id)  # type: ignore[assignment]
    return cmd


def _assert_second_location_past_due(world: MemoryWorld) -> None:
    [sub] = world.subscriptions()
    assert sub.status.value == "past_due" and sub.next_cycle == 2
    second = sub.delivery_locations[1].id
    orders = world.renewal_orders()
    assert len(orders) == 3
    for order in orders:
        txs = world.emulator.transactions(world.store_hash, order["id"])
        paid = [t for t in txs if t["status"] == "ok"]
        assert len(paid) == (0 if order["external_order_id"].endswith(second) else 1), txs
    types = world.event_types()
    assert types.count("charge.failed") == 1 and types.count("subscription.past_due") == 1
    assert types.count("charge.stage.payment_captured") == 2
    assert "subscription.renewed" not in types


def test_a_declined_location_commits_once_per_stage(world: MemoryWorld) -> None:
    # Given
    cmd = _declining_second(world)
    uow = CommitHook(world.uow(), lambda n: None)
    # When
    assert run_renewal(cmd, world.deps("w", uow=uow)).outcome == "payment_failed"
    # Then every commit below is a crash point
    assert uow.commits == DECLINE_COMMITS
    _assert_second_location_past_due(world)


@pytest.mark.parametrize("crash_after", range(1, DECLINE_COMMITS + 1))
def test_a_crash_anywhere_in_a_cycle_with_a_declined_location_records_the_decline_once(
    world: MemoryWorld, crash_after: int
) -> None:
    # Given a worker that dies after its n-th commit, the second location's card short of funds
    cmd = _declining_second(world)
    # When it runs, then the cycle is swept again (before the dunning retry is due)
    with pytest.raises(Crash):
        run_renewal(cmd, world.deps("dying", uow=CommitHook(world.uow(), die_after(crash_after))))
    _resweep(world)
    # Then
    _assert_second_location_past_due(world)
