"""Fault injection over the renewal workflow: whatever fails, one order and one payment per cycle.

Every case ends the same way after re-sweeping: exactly one renewal order, exactly one
successful payment, the subscription active on its next cycle, and each stage recorded once.
The whole matrix runs here, on the in-memory unit of work; `tests/integration/
test_renewal_faults.py` keeps a scenario of each kind on the full topology.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_workflow import RetryLater, run_renewal

from .crashing import HAPPY_COMMITS, KINDS, CommitHook, Crash, CrashAfterCall, die_after
from .world import MemoryWorld


def _due_command(world: MemoryWorld) -> RenewSubscription:
    world.subscribe()
    world.advance_clock(timedelta(days=31))
    [sub] = world.subscriptions()
    return RenewSubscription(store_hash=world.store_hash, subscription_id=sub.id, cycle=2)


def _resweep(world: MemoryWorld, rounds: int = 2) -> None:
    """Later sweeps, each after the previous attempt's lease has lapsed."""
    for _ in range(rounds):
        world.advance_clock(timedelta(minutes=10))
        world.sweep()
        world.work()


def _assert_exactly_one_paid_renewal(world: MemoryWorld) -> None:
    [order] = world.renewal_orders()
    txs = world.emulator.transactions(world.store_hash, order["id"])
    assert [t["status"] for t in txs if t["status"] == "ok"] == ["ok"]
    assert order["status_id"] == 11
    [sub] = world.subscriptions()
    assert sub.status.value == "active" and sub.next_cycle == 3
    types = world.event_types()
    for once in (
        "charge.stage.priced",
        "charge.stage.order_created",
        "charge.stage.payment_captured",
        "charge.succeeded",
        "subscription.renewed",
    ):
        assert types.count(once) == 1, (once, types)
    [charge] = world.charges()
    assert charge.stage.value == "completed"


def test_a_happy_renewal_commits_once_per_stage(world: MemoryWorld) -> None:
    # Given
    cmd = _due_command(world)
    uow = CommitHook(world.uow(), lambda n: None)
    # When
    assert run_renewal(cmd, world.deps("w", uow=uow)).outcome == "renewed"
    # Then the crash cases below cover every commit
    assert uow.commits == HAPPY_COMMITS
    _assert_exactly_one_paid_renewal(world)


@pytest.mark.parametrize("crash_after", range(1, HAPPY_COMMITS + 1))
def test_a_worker_crashing_after_any_recorded_stage_is_resumed_without_paying_twice(
    world: MemoryWorld, crash_after: int
) -> None:
    # Given a worker that dies right after its n-th commit
    cmd = _due_command(world)
    # When it runs, then the cycle is swept again
    with pytest.raises(Crash):
        run_renewal(cmd, world.deps("dying", uow=CommitHook(world.uow(), die_after(crash_after))))
    _resweep(world)
    # Then
    _assert_exactly_one_paid_renewal(world)


@pytest.mark.parametrize(
    "call",
    ["create_order", "tag_order", "create_payment_access_token", "process_stored_payment"],
)
def test_a_worker_crashing_after_a_call_was_applied_is_resumed_without_paying_twice(
    world: MemoryWorld, call: str
) -> None:
    # Given a worker that dies right after BigCommerce applied `call`, before recording it
    cmd = _due_command(world)
    # When
    with pytest.raises(Crash):
        run_renewal(cmd, world.deps("dying", bc=CrashAfterCall(world.bc, call)))
    _resweep(world)
    # Then
    _assert_exactly_one_paid_renewal(world)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("first", "then"),
    [
        (("POST", "/stores/*/v2/orders"), ("GET", "/stores/*/v2/orders")),
        (("POST", "/stores/*/payments"), ("GET", "/stores/*/v3/orders/*/transactions")),
    ],
)
def test_a_failing_read_back_after_an_unknown_outcome_still_ends_with_one_payment(
    world: MemoryWorld, first: tuple[str, str], then: tuple[str, str], kind: str
) -> None:
    # Given a call whose answer is lost, and then the read that resolves it fails too
    world.subscribe()
    world.emulator.faults.inject(*first, "5xx_after", times=1)
    world.emulator.faults.inject(*then, kind, times=1)
    # When the renewal runs and is swept again
    world.renew()
    _resweep(world)
    # Then
    assert world.emulator.faults.pending() == 0
    _assert_exactly_one_paid_renewal(world)


@pytest.mark.parametrize("interleave_at", range(1, HAPPY_COMMITS + 1))
def test_two_workers_on_the_same_cycle_make_one_order_and_one_payment(
    world: MemoryWorld, interleave_at: int
) -> None:
    # Given worker B runs the same cycle right after A's n-th commit (as if at the same time)
    cmd = _due_command(world)
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
    # Then whoever finished, the cycle was paid once
    assert "renewed" in outcomes or world.charges()[0].stage.value == "completed"
    _assert_exactly_one_paid_renewal(world)


def test_the_same_retry_message_twice_makes_one_payment_attempt(world: MemoryWorld) -> None:
    # Given a past-due subscription whose retry is due, and its message delivered twice
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "decline")
    world.renew()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "ok")
    world.advance_clock(timedelta(days=1))
    [sub] = world.subscriptions()
    cmd = RenewSubscription(store_hash=world.store_hash, subscription_id=sub.id, cycle=2)
    for _ in range(2):
        world.send(cmd)
    # When both (and a sweep's own message) are worked
    world.sweep()
    world.work()
    # Then one decline and one successful payment on the one order
    [order] = world.renewal_orders()
    txs = world.emulator.transactions(world.store_hash, order["id"])
    assert sorted(t["status"] for t in txs) == ["error", "ok"]
    assert world.charges()[0].retries == 1


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/stores/*/v3/payments/access_tokens"), ("POST", "/stores/*/payments")],
)
def test_a_fault_during_a_dunning_retry_still_pays_the_one_order_once(
    world: MemoryWorld, method: str, path: str, kind: str
) -> None:
    # Given a declined renewal whose card works again by the first retry
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "decline")
    world.renew()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "ok")
    world.emulator.faults.inject(method, path, kind, times=1)
    # When the retry runs into the fault and is swept again
    world.advance_clock(timedelta(days=1))
    world.sweep()
    world.work()
    _resweep(world)
    # Then
    [order] = world.renewal_orders()
    txs = world.emulator.transactions(world.store_hash, order["id"])
    assert sorted(t["status"] for t in txs) == ["error", "ok"]
    [sub] = world.subscriptions()
    assert sub.status.value == "active" and sub.next_cycle == 3
    assert world.event_types().count("charge.succeeded") == 1
