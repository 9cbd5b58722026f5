"""Fault injection over the renewal workflow: whatever fails, one order and one payment per cycle.

Every case ends the same way after re-sweeping: exactly one renewal order, exactly one
successful payment, the subscription active on its next cycle, and each stage recorded once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_workflow import RenewalDeps, RetryLater, run_renewal

from .world import World

KINDS = ["timeout_before", "timeout_after", "5xx_before", "5xx_after"]
# The happy path commits: claim, priced, order attempted, order created, payment attempted,
# payment captured, completed.
HAPPY_COMMITS = 7


class Crash(Exception):
    """The worker's process died here."""


class _Uow:
    """The real unit of work, with a hook after each successful commit."""

    def __init__(self, inner: Any, after_commit: Callable[[int], None]) -> None:
        self._inner, self._after, self.commits = inner, after_commit, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _Uow:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)

    def commit(self) -> None:
        self._inner.commit()
        self.commits += 1
        self._after(self.commits)


class _Bc:
    """The real BigCommerce client; `crash_after` names a call whose answer is never seen."""

    def __init__(self, inner: Any, crash_after: str) -> None:
        self._inner, self._crash_after = inner, crash_after

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._inner, name)
        if name != self._crash_after:
            return call

        def crashing(*args: Any, **kwargs: Any) -> Any:
            call(*args, **kwargs)
            raise Crash(f"died right after {name} was applied")

        return crashing


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
    uow = _Uow(container().unit_of_work(), lambda n: None)
    # When
    assert run_renewal(cmd, _deps("w", uow=uow)).outcome == "renewed"
    # Then the crash cases below cover every commit
    assert uow.commits == HAPPY_COMMITS
    _assert_exactly_one_paid_renewal(world)


@pytest.mark.parametrize("crash_after", range(1, HAPPY_COMMITS + 1))
def test_a_worker_crashing_after_any_recorded_stage_is_resumed_without_paying_twice(
    world: World, crash_after: int
) -> None:
    # Given a worker that dies right after its n-th commit
    cmd = _due_command(world)

    def die(n: int) -> None:
        if n == crash_after:
            raise Crash(f"after commit {n}")

    # When it runs, then the cycle is swept again
    with pytest.raises(Crash):
        run_renewal(cmd, _deps("dying", uow=_Uow(container().unit_of_work(), die)))
    _resweep(world)
    # Then
    _assert_exactly_one_paid_renewal(world)


@pytest.mark.parametrize(
    "call",
    ["create_order", "tag_order", "create_payment_access_token", "process_stored_payment"],
)
def test_a_worker_crashing_after_a_call_was_applied_is_resumed_without_paying_twice(
    world: World, call: str
) -> None:
    # Given a worker that dies right after BigCommerce applied `call`, before recording it
    cmd = _due_command(world)
    # When
    with pytest.raises(Crash):
        run_renewal(cmd, _deps("dying", bc=_Bc(container().bigcommerce, call)))
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


@pytest.mark.parametrize("interleave_at", range(1, HAPPY_COMMITS + 1))
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
            run_renewal(cmd, _deps("a", uow=_Uow(container().unit_of_work(), b_runs))).outcome
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
    ).model_dump_json()
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


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/stores/*/v3/payments/access_tokens"), ("POST", "/stores/*/payments")],
)
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
    sqs.send_message(
        QueueUrl=world.stack.physical["RenewalQueue"], MessageBody=ghost.model_dump_json()
    )
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
