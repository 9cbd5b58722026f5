"""Renewal: sweep -> queue -> worker; one order and at most one payment per cycle, always."""

import json
from datetime import timedelta
from decimal import Decimal

import boto3
import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.ports.bigcommerce import OutcomeUnknown
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_workflow import RenewalDeps, RetryLater, run_renewal

from .world import World


def _sub(world: World) -> dict:
    [sub] = world.of_kind("subscription")
    return sub


def _paid(world: World, order_id: int) -> list[dict]:
    return [
        t for t in world.emulator.transactions(world.store_hash, order_id) if t["status"] == "ok"
    ]


def test_a_due_subscription_is_renewed_with_one_paid_order(world: World) -> None:
    # Given an active monthly subscription bought for 2 x 25.00
    world.subscribe()
    # When a month passes and the sweep runs
    world.renew()
    # Then one renewal order exists, paid with the stored card, at the locked price
    [order] = world.renewal_orders()
    assert order["status_id"] == 11
    assert Decimal(order["total_inc_tax"]) == Decimal("50.00")
    assert order["external_order_id"].endswith("-c2")
    assert len(_paid(world, order["id"])) == 1
    sub = _sub(world)
    assert sub["next_cycle"] == 3 and "due_pk" in sub
    assert world.event_types()[-2:] == ["charge.succeeded", "subscription.renewed"]
    [charge] = world.of_kind("charge")
    assert charge["stage"] == "completed"


def test_our_renewal_order_does_not_become_a_new_subscription(world: World) -> None:
    # Given / When a renewal order is created (BigCommerce fires order/created for it too)
    world.subscribe()
    world.renew()
    # Then still one subscription
    assert len(world.of_kind("subscription")) == 1


def test_a_subscription_that_is_not_due_is_not_swept(world: World) -> None:
    # Given / When the sweep runs before the renewal date
    world.subscribe()
    world.stack.advance_clock(timedelta(days=20))
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then
    assert world.renewal_orders() == []


def test_a_declined_card_makes_the_subscription_past_due_and_retries_the_same_order(
    world: World,
) -> None:
    # Given a shopper whose card now declines
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "decline")
    # When
    world.renew()
    world.renew()
    # Then one order (reused by the retry), no payment, past due, swept again for the next retry
    [order] = world.renewal_orders()
    assert order["status_id"] == 0 and _paid(world, order["id"]) == []
    sub = _sub(world)
    assert sub["status"] == "past_due" and "due_pk" in sub
    assert json.loads(sub["doc"])["dunning"]["failed_attempts"] == 2
    assert world.event_types().count("charge.failed") == 2
    assert "charge.failed" in world.event_types() and "subscription.past_due" in world.event_types()


def _enqueue_twice(world: World) -> None:
    sub = _sub(world)
    body = RenewSubscription(
        store_hash=world.store_hash, subscription_id=sub["subscription_id"], cycle=2
    )
    sqs = boto3.client("sqs")
    for _ in range(2):
        sqs.send_message(QueueUrl=world.stack.physical["RenewalQueue"], MessageBody=body.to_json())


def test_the_same_message_twice_makes_one_order_and_one_payment(world: World) -> None:
    # Given a due subscription and a duplicated queue message
    world.subscribe()
    world.stack.advance_clock(timedelta(days=31))
    _enqueue_twice(world)
    # When both are processed (and the sweep adds a third)
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then
    [order] = world.renewal_orders()
    assert len(_paid(world, order["id"])) == 1
    assert _sub(world)["next_cycle"] == 3


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/stores/*/v2/orders"),
        ("POST", "/stores/*/v3/payments/access_tokens"),
        ("POST", "/stores/*/payments"),
    ],
)
@pytest.mark.parametrize("kind", ["timeout_before", "timeout_after", "5xx_before", "5xx_after"])
def test_an_unknown_outcome_at_any_call_still_ends_with_one_order_and_one_payment(
    world: World, method: str, path: str, kind: str
) -> None:
    # Given a due subscription and BigCommerce failing one call of the workflow
    world.subscribe()
    world.emulator.faults.inject(method, path, kind, times=1)
    # When the renewal runs, fails, and is retried by a later sweep
    world.renew()
    world.stack.advance_clock(timedelta(minutes=10))  # past the lease of the failed attempt
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then exactly one order and one successful payment, and the cycle advanced once
    [order] = world.renewal_orders()
    assert len(_paid(world, order["id"])) == 1
    assert _sub(world)["next_cycle"] == 3
    assert world.event_types().count("charge.succeeded") == 1


def _worker(worker_id: str) -> RenewalDeps:
    c = container()
    return RenewalDeps(
        uow=c.unit_of_work(),
        bc=c.bigcommerce,
        clock=c.clock,
        app_id=c.settings.bc_app_id,
        worker_id=worker_id,
    )


def test_a_second_worker_cannot_act_while_the_first_holds_the_cycle(world: World) -> None:
    # Given worker A claimed cycle 2 and is still running (its lease is fresh)
    world.subscribe()
    world.stack.advance_clock(timedelta(days=31))
    sub = _sub(world)
    cmd = RenewSubscription(
        store_hash=world.store_hash, subscription_id=sub["subscription_id"], cycle=2
    )
    world.emulator.faults.inject("POST", "/stores/*/payments", "5xx_before", times=1)
    with pytest.raises(OutcomeUnknown):  # A ordered, then lost the payment's answer
        run_renewal(cmd, _worker("a"))
    # When worker B takes the same message
    # Then B backs off while A's lease is fresh
    with pytest.raises(RetryLater):
        run_renewal(cmd, _worker("b"))
    # And once the lease has lapsed, B reads A's payment attempt first, then pays A's order
    world.stack.advance_clock(timedelta(minutes=3))
    assert run_renewal(cmd, _worker("b")).outcome == "renewed"
    [order] = world.renewal_orders()
    assert len(_paid(world, order["id"])) == 1


def test_a_poison_message_is_dead_lettered_without_blocking_its_batch(world: World) -> None:
    # Given a due subscription and a malformed message in the same queue
    world.subscribe()
    world.stack.advance_clock(timedelta(days=31))
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=world.stack.physical["RenewalQueue"], MessageBody='{"nope": true}')
    world.stack.fire("RenewalSweepFunction")
    # When the queue is worked, failed messages retried at once until the redrive policy acts
    world.stack.pump(retry_failed=True)
    # Then the good renewal happened and the poison message sits in the DLQ
    assert len(world.renewal_orders()) == 1
    dlq = sqs.receive_message(QueueUrl=world.stack.physical["RenewalDLQ"], MaxNumberOfMessages=10)
    assert [json.loads(m["Body"]) for m in dlq.get("Messages", [])] == [{"nope": True}]


def test_a_renewal_run_reports_the_pipeline_steps_it_took(world: World) -> None:
    # Given a due subscription whose card declines
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "decline")
    world.stack.advance_clock(timedelta(days=31))
    cmd = RenewSubscription(
        store_hash=world.store_hash, subscription_id=_sub(world)["subscription_id"], cycle=2
    )
    # When the first run claims, orders and is declined
    first = run_renewal(cmd, _worker("a"))
    # Then it reports claimed and ordered, not retried
    assert (first.outcome, first.steps) == ("payment_failed", {"claimed", "ordered"})
    # When the card works again and the dunning retry comes due
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "ok")
    world.stack.advance_clock(timedelta(days=3))
    retry = run_renewal(cmd, _worker("b"))
    # Then the retry pays the same order: claimed and retried, no new order
    assert (retry.outcome, retry.steps) == ("renewed", {"claimed", "retried"})
    # And a run with nothing left to do reports no step
    assert run_renewal(cmd, _worker("c")).steps == frozenset()
