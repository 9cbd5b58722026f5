"""Outbound retries on a controllable clock: the schedule, Retry-After, the DLQ, auto-disable,
re-enabling with a replay of what was missed, and a slow endpoint that holds no one back."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import boto3
import httpx
import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.webhook_retry import RETRY_DELAYS
from bc_subscriptions.ports.storage import DeliveryAttempt
from bc_subscriptions.services.endpoints import enable_endpoint
from bc_subscriptions.services.webhook_replay import replay_events, replay_range

from .world import World

SECOND = timedelta(seconds=1)  # the log keeps whole seconds


def _endpoint_id(world: World) -> str:
    [endpoint] = world.of_kind("endpoint")
    return str(endpoint["endpoint_id"])


def _log(world: World, endpoint_id: str) -> list[DeliveryAttempt]:
    """Oldest first."""
    return list(reversed(container().delivery_log.list(world.store_hash, endpoint_id, 500)))


def _advance(world: World, delta: timedelta) -> None:
    world.stack.advance_clock(max(delta, timedelta()))
    world.stack.pump()


def _subscription_event_ids(world: World) -> set[str]:
    return {str(e["event_id"]) for e in world.of_kind("event") if e.get("subscription_id")}


def test_a_failing_delivery_follows_the_schedule_then_is_dead_lettered(world: World) -> None:
    # Given the merchant endpoint answers 500
    world.stack.receiver.fail_with = 500
    world.checkout(world.shopper())
    world.stack.pump()
    endpoint_id = _endpoint_id(world)
    # When the clock moves to each retry the log announces
    for _ in range(len(RETRY_DELAYS)):
        next_at = _log(world, endpoint_id)[-1].next_attempt_at
        assert next_at is not None
        _advance(world, next_at - world.stack.now())
    # Then ten attempts were made, spaced by the Standard Webhooks delays (+0..10 % jitter)
    log = _log(world, endpoint_id)
    assert [a.attempt for a in log] == list(range(1, 11))
    assert [a.outcome for a in log] == ["retrying"] * 9 + ["failed"]
    assert world.stack.receiver.attempts == 10
    for attempt, following, base in zip(log, log[1:], RETRY_DELAYS, strict=False):
        assert attempt.next_attempt_at is not None
        assert (
            base - SECOND <= attempt.next_attempt_at - attempt.attempted_at <= base * 1.1 + SECOND
        )
        assert following.attempted_at >= attempt.next_attempt_at - SECOND
    assert log[-1].next_attempt_at is None
    # And the exhausted delivery is kept in the DLQ, not lost
    dlq = boto3.client("sqs").receive_message(
        QueueUrl=world.stack.physical["WebhookDeliveryDLQ"], MaxNumberOfMessages=10
    )
    [message] = dlq["Messages"]
    parked = json.loads(message["Body"])
    assert (parked["event_type"], parked["attempt"]) == ("subscription.created", 10)


def test_retry_after_is_honoured(world: World) -> None:
    # Given the endpoint is overloaded and asks us to come back in two hours
    world.stack.receiver.fail_with, world.stack.receiver.retry_after = 503, 7200
    # When
    world.checkout(world.shopper())
    world.stack.pump()
    # Then the next attempt is two hours out, not five seconds, and nothing comes earlier
    [first] = _log(world, _endpoint_id(world))
    assert first.next_attempt_at is not None
    assert first.next_attempt_at - first.attempted_at >= timedelta(hours=2) - SECOND
    _advance(world, timedelta(hours=1))
    assert world.stack.receiver.attempts == 1
    _advance(world, timedelta(hours=1, minutes=1))
    assert world.stack.receiver.attempts == 2


def test_an_endpoint_down_for_three_days_then_up_receives_every_event(world: World) -> None:
    # Given the endpoint is down while two shoppers subscribe
    receiver = world.stack.receiver
    receiver.fail_with = 500
    world.subscribe()
    world.subscribe(card=None)
    # When it stays down for three days, then comes back
    for _ in range(72):
        _advance(world, timedelta(hours=1))
    assert receiver.received == []
    receiver.fail_with = None
    for _ in range(24):
        _advance(world, timedelta(hours=1))
    # Then it received every event, verified, and stays enabled
    assert {r.webhook_id for r in receiver.received if r.verified} == _subscription_event_ids(world)
    [endpoint] = world.of_kind("endpoint")
    assert endpoint["enabled"] is True and "failing_since" not in endpoint


def test_failing_for_five_days_disables_the_endpoint_and_enabling_replays_what_it_missed(
    world: World,
) -> None:
    # Given the endpoint fails every attempt while a shopper subscribes every day
    receiver = world.stack.receiver
    receiver.fail_with = 500
    endpoint_id = _endpoint_id(world)
    for _ in range(7):
        world.checkout(world.shopper())
        for _ in range(24):
            _advance(world, timedelta(hours=1))
    # Then the first attempt five days after the first failure disabled it, with one event
    [endpoint] = world.of_kind("endpoint")
    assert endpoint["enabled"] is False and endpoint["disabled_reason"] == "failing"
    log = _log(world, endpoint_id)
    assert log[-1].outcome == "disabled"
    started = log[0].attempted_at
    assert log[-1].attempted_at - started >= timedelta(days=5)
    assert log[-2].attempted_at - started < timedelta(days=5)
    disabled = [e for e in world.of_kind("event") if e["type"] == "endpoint.disabled"]
    assert len(disabled) == 1 and disabled[0]["endpoint_id"] == endpoint_id
    # And nothing more is attempted while it is disabled
    attempts = receiver.attempts
    _advance(world, timedelta(days=1))
    assert receiver.attempts == attempts
    # When the merchant fixes it and re-enables it, accepting the offered replay
    receiver.fail_with = None
    c = container()
    offer = enable_endpoint(world.store_hash, endpoint_id, endpoints=c.endpoints, now=c.clock.now())
    assert offer is not None and offer.since <= started - timedelta(minutes=15)
    result = replay_range(
        world.store_hash,
        endpoint_id,
        offer.since,
        offer.until,
        endpoints=c.endpoints,
        events=c.event_log,
        queue=c.webhook_queue,
    )
    world.stack.pump()
    # Then it has every event it missed, once each (its own endpoint.disabled included)
    every_event = {str(e["event_id"]) for e in world.of_kind("event")}
    assert result.queued == len(every_event) == len(_subscription_event_ids(world)) + 1
    ids = [r.webhook_id for r in receiver.received]
    assert set(ids) == every_event and len(ids) == len(set(ids))


def test_a_replay_sends_the_same_webhook_id_and_body(world: World) -> None:
    # Given an event the merchant received
    world.subscribe()
    receiver = world.stack.receiver
    [first] = receiver.received
    c = container()
    # When it is replayed, together with an id that is not an event of this store
    result = replay_events(
        world.store_hash,
        _endpoint_id(world),
        [first.webhook_id, "evt_sub_unknown_000001", "not-an-id"],
        endpoints=c.endpoints,
        events=c.event_log,
        queue=c.webhook_queue,
    )
    world.stack.pump()
    # Then the consumer sees the same id and body again, verified, and learns what was unknown
    assert result.queued == 1 and result.unknown == ("evt_sub_unknown_000001", "not-an-id")
    [_, again] = receiver.received
    assert (again.webhook_id, again.body, again.verified) == (first.webhook_id, first.body, True)


def test_another_stores_event_cannot_be_replayed(world: World) -> None:
    # Given an event of this store
    world.subscribe()
    [event_id] = [r.webhook_id for r in world.stack.receiver.received]
    other = World.create(world.stack)
    c = container()
    # When the other store asks for it by id
    result = replay_events(
        other.store_hash,
        _endpoint_id(other),
        [event_id],
        endpoints=c.endpoints,
        events=c.event_log,
        queue=c.webhook_queue,
    )
    # Then it is unknown there
    assert (result.queued, result.unknown) == (0, (event_id,))


def test_a_slow_endpoint_does_not_hold_back_the_others_in_its_batch(world: World) -> None:
    # Given a second endpoint that hangs until the others of its batch were delivered
    fast_done = threading.Semaphore(0)
    saw_others_first: list[bool] = []
    receiver = world.stack.receiver

    def transport(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/slow"):
            # Sequential delivery would leave the others waiting behind this call.
            saw_others_first.append(fast_done.acquire(timeout=5))
            return httpx.Response(200)
        status = receiver.accept(request.content, dict(request.headers), request.url.path)
        fast_done.release()
        return httpx.Response(status)

    world.stack.register_endpoint(world.store_hash, world.stack.urls["merchant"] + "/slow")
    from bc_subscriptions.adapters.http_sender import HttpxWebhookSender

    c = container()
    c.__dict__["webhook_sender"] = HttpxWebhookSender(httpx.MockTransport(transport))
    # When one event goes to both endpoints in the same batch
    world.checkout(world.shopper())
    world.stack.pump()
    # Then the fast endpoint was served while the slow one was still hanging
    assert saw_others_first == [True]
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("retry_after", "content_type"),
    [
        ("9" * 40, None),
        ("-30", None),
        ("Fri, 31 Dec 9999 23:59:59 GMT", None),
        ("whenever", "text/plain; charset=rot13"),
        (None, "text/plain; charset=\x7fgarbage"),
    ],
)
def test_an_odd_answer_is_logged_and_retried_like_any_failure(
    world: World, retry_after: str | None, content_type: str | None
) -> None:
    # Given an endpoint failing with an odd Retry-After or an unusable charset
    receiver = world.stack.receiver
    receiver.fail_with, receiver.retry_after = 503, retry_after
    receiver.content_type = content_type
    # When a shopper subscribes and the delivery is attempted
    world.checkout(world.shopper())
    world.stack.pump()
    # Then the attempt was one POST, logged, with its retry at most a day out
    [first] = _log(world, _endpoint_id(world))
    assert receiver.attempts == 1
    assert (first.outcome, first.status_code, first.attempt) == ("retrying", 503, 1)
    assert first.next_attempt_at is not None
    assert first.next_attempt_at - first.attempted_at <= timedelta(hours=24) + SECOND
    # And the next attempt comes when the log says, once
    _advance(world, first.next_attempt_at - world.stack.now())
    assert receiver.attempts == 2
