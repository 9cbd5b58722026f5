"""Scheduled changes through the real sweep and worker on the stack's clock: a pause until a
date resumes (and renews at the right cycle), a cancel at period end cancels instead of
renewing, and a repeated message does nothing twice."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.tenant_settings import update_tenant_config

from .admin_api_client import call, session_token
from .world import World


def _sub(world: World) -> dict[str, Any]:
    [sub] = world.of_kind("subscription")
    return sub


def _doc(world: World) -> dict[str, Any]:
    return dict(json.loads(_sub(world)["doc"]))


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _at(world: World, when: datetime) -> None:
    """Moves the stack's clock to `when`, then the sweep runs and every queue is drained."""
    world.stack.advance_clock(when - world.stack.now())
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()


def _enqueue(world: World, cycle: int, times: int = 2) -> None:
    body = RenewSubscription(
        store_hash=world.store_hash, subscription_id=_sub(world)["subscription_id"], cycle=cycle
    )
    sqs = boto3.client("sqs")
    for _ in range(times):
        sqs.send_message(QueueUrl=world.stack.physical["RenewalQueue"], MessageBody=body.to_json())


def _cycle_start(world: World, cycle: int) -> datetime:
    with container().unit_of_work() as uow:
        sub = uow.subscriptions.get(world.store_hash, str(_sub(world)["subscription_id"]))
        assert sub is not None
        return sub.cycle_starts_at(cycle)


def _action(world: World, action: str, body: Any = None, method: str = "POST") -> Any:
    sub_id = _sub(world)["subscription_id"]
    reply = call(
        world, method, f"/admin/subscriptions/{sub_id}/{action}", session_token(world), body
    )
    assert reply.status == 200, reply.body
    return reply.json()


@pytest.mark.parametrize(
    ("after_start", "next_cycle"), [(timedelta(0), 3), (timedelta(seconds=1), 4)]
)
def test_a_pause_until_a_date_resumes_then_and_renews_the_first_cycle_from_it(
    world: World, after_start: timedelta, next_cycle: int
) -> None:
    # Given a monthly subscription paused until the start of cycle 3 (or one second after it)
    world.subscribe()
    resume_at = _cycle_start(world, 3) + after_start
    assert _action(world, "pause", {"resume_at": _iso(resume_at)})["resume_at"] is not None
    # When cycle 2 falls due, and until just before resume_at, nothing happens
    _at(world, _cycle_start(world, 2) + timedelta(minutes=1))
    _at(world, resume_at - timedelta(seconds=1))
    assert _sub(world)["status"] == "paused" and world.renewal_orders() == []
    # When resume_at comes, the sweep hands it to the worker, which resumes it
    _at(world, resume_at + timedelta(minutes=1))
    # Then it is active, cycle 2 was skipped, and the next renewal is the first cycle starting
    # at or after resume_at
    doc = _doc(world)
    assert (doc["status"], doc["next_cycle"], doc["resume_at"]) == ("active", next_cycle, None)
    [resumed] = [e for e in world.of_kind("event") if e["type"] == "subscription.resumed"]
    assert json.loads(resumed["envelope"])["data"]["reason"] == "scheduled"
    assert world.renewal_orders() == []
    # And the next sweep charges that cycle when it is due (at once for a cycle starting at
    # resume_at), never cycle 2
    _at(world, world.stack.now() + timedelta(minutes=5))
    if next_cycle == 4:
        assert world.renewal_orders() == []
        _at(world, _cycle_start(world, 4) + timedelta(minutes=1))
    [order] = world.renewal_orders()
    assert order["external_order_id"].endswith(f"-c{next_cycle}") and order["status_id"] == 11
    assert _doc(world)["next_cycle"] == next_cycle + 1


def test_a_repeated_or_late_message_resumes_only_once(world: World) -> None:
    # Given a subscription paused until ten days after cycle 2 was due
    world.subscribe()
    resume_at = _cycle_start(world, 2) + timedelta(days=10)
    _action(world, "pause", {"resume_at": _iso(resume_at)})
    world.stack.advance_clock(resume_at + timedelta(minutes=1) - world.stack.now())
    # When the sweep's message comes with two copies of it, and again later
    _enqueue(world, cycle=2)
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    _enqueue(world, cycle=2)
    world.stack.pump()
    # Then it was resumed once, and nothing was charged (cycle 2 started before resume_at)
    assert world.event_types().count("subscription.resumed") == 1
    assert world.renewal_orders() == []
    assert (_doc(world)["status"], _doc(world)["next_cycle"]) == ("active", 3)


def test_a_manual_resume_drops_the_scheduled_one(world: World) -> None:
    # Given a pause until cycle 3, resumed by hand before cycle 2
    world.subscribe()
    resume_at = _cycle_start(world, 3)
    _action(world, "pause", {"resume_at": _iso(resume_at)})
    world.stack.advance_clock(timedelta(days=1))
    assert _action(world, "resume")["resume_at"] is None
    # When cycle 2 and resume_at pass
    _at(world, _cycle_start(world, 2) + timedelta(minutes=1))
    _at(world, resume_at + timedelta(minutes=1))
    # Then cycles 2 and 3 renewed as usual and no scheduled resume happened
    assert len(world.renewal_orders()) == 2
    assert world.event_types().count("subscription.resumed") == 1


def test_a_cancel_at_period_end_cancels_at_cancel_at_without_an_order(world: World) -> None:
    # Given a store with an early-cancel fee and a subscription cancelled at period end
    fee = {"amount": "25.00", "until_paid_cycles": 3}
    update_tenant_config(
        container().unit_of_work(), world.store_hash, json.dumps({"early_cancel_fee": fee})
    )
    world.subscribe()
    answer = _action(world, "cancel", {"when": "period_end"})
    cancel_at = _cycle_start(world, 2)
    assert (answer["status"], answer["cancel_at"], answer["early_cancel_fee"]) == (
        "active",
        _iso(cancel_at),
        "25.00",
    )
    # When the clock reaches just before cancel_at, it is still active
    _at(world, cancel_at - timedelta(seconds=1))
    assert _sub(world)["status"] == "active"
    # When cancel_at comes (the sweep's message, twice more, and a late one)
    calls = len(world.emulator.calls)
    world.stack.advance_clock(cancel_at + timedelta(minutes=1) - world.stack.now())
    _enqueue(world, cycle=2)
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    _enqueue(world, cycle=2, times=1)
    _at(world, world.stack.now() + timedelta(days=40))
    # Then it is cancelled once, with the fee decided at request time; no BigCommerce call,
    # no order, no charge
    assert _sub(world)["status"] == "cancelled" and "due_pk" not in _sub(world)
    [cancelled] = [e for e in world.of_kind("event") if e["type"] == "subscription.cancelled"]
    data = json.loads(cancelled["envelope"])["data"]
    assert (data["reason"], data["cancel_at"], data["early_cancel_fee"]["amount"]) == (
        "period_end",
        _iso(cancel_at),
        "25.00",
    )
    assert world.renewal_orders() == []
    assert world.emulator.calls[calls:] == []
    assert "charge.stage.priced" not in world.event_types()


def test_a_paused_subscription_is_still_cancelled_at_cancel_at(world: World) -> None:
    # Given a cancel at period end, then an indefinite pause
    world.subscribe()
    _action(world, "cancel", {"when": "period_end"})
    _action(world, "pause")
    # When cancel_at passes
    _at(world, _cycle_start(world, 2) + timedelta(minutes=1))
    # Then
    assert _sub(world)["status"] == "cancelled"
    assert world.event_types()[-1] == "subscription.cancelled"


def test_a_withdrawn_cancel_renews_as_before(world: World) -> None:
    # Given a cancel at period end, withdrawn
    world.subscribe()
    _action(world, "cancel", {"when": "period_end"})
    assert _action(world, "scheduled-cancel", method="DELETE")["cancel_at"] is None
    # When the renewal date passes
    _at(world, _cycle_start(world, 2) + timedelta(minutes=1))
    # Then cycle 2 is renewed
    [order] = world.renewal_orders()
    assert order["external_order_id"].endswith("-c2")
    assert _sub(world)["status"] == "active"


def test_a_renewal_already_running_at_cancel_at_finishes_then_the_cancel_applies(
    world: World,
) -> None:
    # Given cycle 2's renewal started and stopped with its payment's outcome unknown
    world.subscribe()
    world.emulator.faults.inject("POST", "/stores/*/payments", "timeout_before", times=1)
    _at(world, _cycle_start(world, 2) + timedelta(minutes=1))
    assert len(world.renewal_orders()) == 1 and _doc(world)["next_cycle"] == 2
    # and then a cancel at period end is asked for (its period end, cycle 2, already came)
    _action(world, "cancel", {"when": "period_end"})
    # When the sweep runs after the lease expired, and again
    _at(world, world.stack.now() + timedelta(minutes=10))
    _at(world, world.stack.now() + timedelta(minutes=5))
    # Then the running cycle's order was paid once, and the subscription is then cancelled
    [order] = world.renewal_orders()
    paid = [
        t for t in world.emulator.transactions(world.store_hash, order["id"]) if t["status"] == "ok"
    ]
    assert len(paid) == 1
    assert world.event_types().count("charge.succeeded") == 1
    assert _sub(world)["status"] == "cancelled"
