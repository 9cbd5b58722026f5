"""Fault injection over the renewal workflow: whatever fails, one order and one payment per cycle.

Every case ends the same way after re-sweeping: exactly one renewal order, exactly one
successful payment, the subscription active on its next cycle, and each stage recorded once.
The whole matrix runs on the in-memory unit of work (`tests/services/test_renewal_faults.py`);
here a scenario of each kind runs through the whole topology (sweep, queue, worker, DynamoDB),
and a message dead-lettered by the queue's redrive policy runs only here.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_workflow import RenewalDeps, RetryLater, run_renewal

from ..services.crashing import HAPPY_COMMITS, CommitHook, Crash, CrashAfterCall, die_after
from .world import World


def _deps(worker: str, *, uow: Any = None, bc: Any = None) -> RenewalDeps:
    c = container()
    return RenewalDeps(
        uow=uow or c.unit_of_work(),
        bc=bc or c.bigcommerce,
        clock=c.clock,
        app_id=c.settings.bc_app_id,
        worker_id=worker,
    )


def _due_command(world: World) -> RenewSubscription:
    world.subscribe()
    world.stack.advance_clock(timedelta(days=31))
    [sub] = world.of_kind("subscription")
    return RenewSubscription(
        store_hash=world.store_hash, subscription_id=sub["subscription_id"], cycle=2
    )


def _resweep(world: World, rounds: int = 2) -> None:
    """Later sweeps, each after the previous attempt's lease has lapsed."""
    for _ in range(rounds):
        world.stack.advance_clock(timedelta(minutes=10))
        world.stack.fire("RenewalSweepFunction")
        world.stack.pump()


def _assert_exactly_one_paid_renewal(world: World) -> None:
    [order] = world.renewal_orders()
    txs = world.emulator.transactions(world.store_hash, order["id"])
    assert [t["status"] for t in txs if t["status"] == "ok"] == ["ok"]
    assert order["status_id"] == 11
    [sub] = world.of_kind("subscription")
    assert sub["status"] == "active" and sub["next_cycle"] == 3
    types = world.event_types()
    for once in (
        "charge.stage.priced",
        "charge.stage.order_created",
        "charge.stage.payment_captured",
        "charge.succeeded",
        "subscription.renewed",
    ):
        assert types.count(once) == 1, (once, types)
    [charge] = world.of_kind("charge")
    assert charge["stage"] == "completed"


def test_a_happy_renewal_commits_once_per_stage(world: World) -> None:
    # Given
    cmd = _due_command(world)
    uow = CommitHook(container().unit_of_work(), lambda n: None)
    # When
    assert run_renewal(cmd, _deps("w", uow=uow)).outcome == "renewed"
    # Then the crash cases below cover every commit
    assert uow.commits == HAPPY_COMMITS
    _assert_exactly_one_paid_renewal(world)


# Of the seven commits: after the order was attempted, and after the payment was attempted.
@pytest.mark.parametrize("crash_after", [3, 5])
def test_a_worker_crashing_after_any_recorded_stage_is_resumed_without_paying_twice(
    world: World, crash_after: int
) -> None:
    # Given a worker that dies right after its n-th commit
    cmd = _due_command(world)
    # When it runs, then the cycle is swept again
    with pytest.raises(Crash):
        run_renewal(
            cmd, _deps("dying", uow=CommitHook(container().unit_of_work(), die_after(crash_after)))
        )
    _resweep(world)
    # Then
    _assert_exactly_one_paid_renewal(world)


@pytest.mark.parametrize("call", ["process_stored_payment"])
def test_a_worker_crashing_after_a_call_was_applied_is_resumed_without_paying_twice(
    world: World, call: str
) -> None:
    # Given a worker that dies right after BigCommerce applied `call`, before recording it
    cmd = _due_command(world)
    # When
    with pytest.raises(Crash):
        run_renewal(cmd, _deps("dying", bc=CrashAfterCall(container().bigcommerce, call)))
    _resweep(world)
    # Then
    _assert_exactly_one_paid_renewal(world)


@pytest.mark.parametrize("kind", ["timeout_after"])
@pytest.mark.parametrize(
    ("first", "then"),
    [(("POST", "/stores/*/payments"), ("GET", "/stores/*/v3/orders/*/transactions"))],
)
def test_a_failing_read_back_after_an_unknown_outcome_still_ends_with_one_payment(
    world: World, first: tuple[str, str], then: tuple[str, str], kind: str
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


@pytest.mark.parametrize("interleave_at", [5])
def test_two_workers_on_the_same_cycle_make_one_order_and_one_payment(
    world: World, interleave_at: int
) -> None:
    # Given worker B runs the same cycle right after A's n-th commit (as if at the same time)
    cmd = _due_command(world)
    outcomes: list[str] = []

    def b_runs(n: int) -> None:
        if n == interleave_at:
            try:
                outcomes.append(run_renewal(cmd, _deps("b")).outcome)
            except RetryLater:
                outcomes.append("backed_off")

    # When A runs around B
    try:
        outcomes.append(
            run_renewal(cmd, _deps("a", uow=CommitHook(container().unit_of_work(), b_runs))).outcome
        )
    except RetryLater:
        outcomes.append("a_backed_off")
    _resweep(world)
    # Then whoever finished, the cycle was paid once
    assert "renewed" in outcomes or world.of_kind("charge")[0]["stage"] == "completed"
    _assert_exactly_one_paid_renewal(world)


def test_the_same_retry_message_twice_makes_one_payment_attempt(world: World) -> None:
    # Given a past-due subscription whose retry is due, and its message delivered twice
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "decline")
    world.renew()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "ok")
    world.stack.advance_clock(timedelta(days=1))
    [sub] = world.of_kind("subscription")
    body = RenewSubscription(
        store_hash=world.store_hash, subscription_id=sub["subscription_id"], cycle=2
    ).to_json()
    sqs = boto3.client("sqs")
    for _ in range(2):
        sqs.send_message(QueueUrl=world.stack.physical["RenewalQueue"], MessageBody=body)
    # When both (and a sweep's own message) are worked
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then one decline and one successful payment on the one order
    [order] = world.renewal_orders()
    txs = world.emulator.transactions(world.store_hash, order["id"])
    assert sorted(t["status"] for t in txs) == ["error", "ok"]
    assert json.loads(world.of_kind("charge")[0]["doc"])["retries"] == 1


@pytest.mark.parametrize("kind", ["5xx_after"])
@pytest.mark.parametrize(("method", "path"), [("POST", "/stores/*/payments")])
def test_a_fault_during_a_dunning_retry_still_pays_the_one_order_once(
    world: World, method: str, path: str, kind: str
) -> None:
    # Given a declined renewal whose card works again by the first retry
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "decline")
    world.renew()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "ok")
    world.emulator.faults.inject(method, path, kind, times=1)
    # When the retry runs into the fault and is swept again
    world.stack.advance_clock(timedelta(days=1))
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    _resweep(world)
    # Then
    [order] = world.renewal_orders()
    txs = world.emulator.transactions(world.store_hash, order["id"])
    assert sorted(t["status"] for t in txs) == ["error", "ok"]
    [sub] = world.of_kind("subscription")
    assert sub["status"] == "active" and sub["next_cycle"] == 3
    assert world.event_types().count("charge.succeeded") == 1


def test_a_message_for_an_unknown_subscription_is_dead_lettered_without_blocking_its_batch(
    world: World,
) -> None:
    # Given a due subscription and a well-formed message naming a subscription that does not exist
    world.subscribe()
    world.stack.advance_clock(timedelta(days=31))
    ghost = RenewSubscription(store_hash=world.store_hash, subscription_id="sub_ghost", cycle=2)
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=world.stack.physical["RenewalQueue"], MessageBody=ghost.to_json())
    world.stack.fire("RenewalSweepFunction")
    # When the queue is worked until the redrive policy acts
    world.stack.pump(retry_failed=True)
    # Then the real renewal happened, the ghost sits in the DLQ, and nothing was written for it
    assert len(world.renewal_orders()) == 1
    dlq = sqs.receive_message(QueueUrl=world.stack.physical["RenewalDLQ"], MaxNumberOfMessages=10)
    assert [json.loads(m["Body"])["subscription_id"] for m in dlq.get("Messages", [])] == [
        "sub_ghost"
    ]
    assert not [i for i in world.items() if "sub_ghost" in str(i["pk"])]
