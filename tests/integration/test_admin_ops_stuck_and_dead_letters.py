"""The stuck-workflow and dead-letter ops queues, through API Gateway events: renewals that
should have finished, messages given up on (really failed through the worker and the
delivery schedule), and redriving them exactly once."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.webhook_retry import RETRY_DELAYS
from bc_subscriptions.services.messages import RenewSubscription
from devstack.stack import LocalStack

from .admin_api_client import call, session_token
from .world import World

ORDERS = ("POST", "/stores/*/v2/orders")


@pytest.fixture
def other(stack: LocalStack) -> World:
    return World.create(stack)


def _get(world: World, token: str, name: str, **query: str) -> dict[str, Any]:
    reply = call(world, "GET", f"/admin/ops/{name}", token, query=query)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def _due_at(world: World, subscription_id: str) -> datetime:
    reply = call(world, "GET", f"/admin/subscriptions/{subscription_id}", session_token(world))
    return datetime.fromisoformat(reply.json()["subscription"]["next_renewal_at"])


def _newest_subscription(world: World) -> str:
    subs = sorted(world.of_kind("subscription"), key=lambda s: str(s["doc"]))
    return str(max(subs, key=lambda s: json.loads(s["doc"])["created_at"])["subscription_id"])


def _queue_messages(world: World, queue: str) -> list[dict[str, Any]]:
    reply = boto3.client("sqs").receive_message(
        QueueUrl=world.stack.physical[queue], MaxNumberOfMessages=10
    )
    return [json.loads(m["Body"]) for m in reply.get("Messages", [])]


def _fail_first_renewal_until_dead_lettered(world: World) -> str:
    """A renewal, 90 minutes overdue (past the default 60-minute stuck threshold), whose order
    call fails once (5xx): the worker keeps the cycle's lease, so every receive fails until the
    redrive policy dead-letters the message."""
    world.subscribe()
    sub_id = _newest_subscription(world)
    overdue = _due_at(world, sub_id) + timedelta(minutes=90)
    world.stack.advance_clock(overdue - world.stack.now())
    world.emulator.faults.inject(*ORDERS, "5xx_before", times=1)
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump(retry_failed=True)
    assert [m["subscription_id"] for m in _queue_messages(world, "RenewalDLQ")] == [sub_id]
    return sub_id


# -------------------------------------------------------------------------- stuck workflows


def test_stuck_workflows_lists_renewals_overdue_past_the_threshold_with_their_charge(
    world: World, other: World
) -> None:
    # Given a renewal whose order call failed (its worker's lease then ran out), a subscriber
    # who bought 90 minutes later, and a due subscriber in another store
    world.subscribe()
    failing = _newest_subscription(world)
    world.stack.advance_clock(timedelta(minutes=90))
    world.subscribe()
    later = _newest_subscription(world)
    other.subscribe()
    world.stack.advance_clock(_due_at(world, failing) - world.stack.now())
    world.emulator.faults.inject(*ORDERS, "5xx_before", times=1)
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()  # the failed message waits out its visibility timeout
    world.stack.advance_clock(timedelta(minutes=106))  # the later one is 16 minutes overdue
    token = session_token(world)
    # When the merchant reads the queue (default threshold: 60 minutes)
    page = _get(world, token, "stuck-workflows")
    # Then only the renewal overdue by more than an hour is listed, with its charge state
    [item] = page["items"]
    assert (item["subscription_id"], item["status"], item["cycle"]) == (failing, "active", 2)
    assert 106 <= item["minutes_overdue"] < 110
    assert item["diagnosis"] == "lease_expired"
    charge = item["charge"]
    assert charge["stage"] == "priced" and charge["order_id"] is None
    assert charge["lease_owner"] and charge["payment_attempts"] == 0
    assert datetime.fromisoformat(charge["lease_until"]) < world.stack.now()
    assert page["next_cursor"] is None
    # And a lower threshold in the tenant config lists the later subscriber too, unclaimed
    reply = call(world, "PUT", "/admin/config", token, {"stuck_after_minutes": 15})
    assert reply.status == 200, reply.body
    items = _get(world, token, "stuck-workflows")["items"]
    assert [i["subscription_id"] for i in items] == [failing, later]  # longest overdue first
    assert items[1]["charge"] is None and items[1]["diagnosis"] == "not_claimed"
    # And the other store's merchant, whose subscriber renewed in that sweep, sees none
    assert _get(other, session_token(other), "stuck-workflows")["items"] == []


def test_a_finished_renewal_is_not_stuck_and_an_invalid_threshold_is_refused(world: World) -> None:
    # Given a subscriber renewed on time
    world.subscribe()
    world.renew()
    world.stack.advance_clock(timedelta(hours=3))
    token = session_token(world)
    # When / Then nothing is stuck
    assert _get(world, token, "stuck-workflows")["items"] == []
    # And a threshold under three sweeps is refused, nothing written
    reply = call(world, "PUT", "/admin/config", token, {"stuck_after_minutes": 5})
    assert (reply.status, reply.json()["error"]) == (422, "invalid_tenant_config")
    assert call(world, "GET", "/admin/config", token).json()["stuck_after_minutes"] == 60


def test_stuck_workflows_page_over_every_shard_with_a_cursor_only_this_store_accepts(
    world: World, other: World
) -> None:
    # Given five subscribers whose renewal no sweep picked up, and one in another store
    for _ in range(5):
        world.subscribe()
        world.stack.advance_clock(timedelta(minutes=1))
    other.subscribe()
    world.stack.advance_clock(timedelta(days=32))
    token = session_token(world)
    # When the merchant pages two at a time
    seen: list[dict[str, Any]] = []
    page = _get(world, token, "stuck-workflows", limit="2")
    while True:
        seen += page["items"]
        if page["next_cursor"] is None:
            break
        page = _get(world, token, "stuck-workflows", limit="2", cursor=page["next_cursor"])
    # Then every one is listed once, longest overdue first
    ids = [i["subscription_id"] for i in seen]
    assert sorted(ids) == sorted(str(s["subscription_id"]) for s in world.of_kind("subscription"))
    assert len(ids) == 5
    assert [i["due_at"] for i in seen] == sorted(i["due_at"] for i in seen)
    # And the other store's merchant sees only theirs
    [theirs] = _get(other, session_token(other), "stuck-workflows")["items"]
    assert theirs["subscription_id"] == other.of_kind("subscription")[0]["subscription_id"]
    # And the cursor is refused by another store, by another queue, and when forged
    first = _get(world, token, "stuck-workflows", limit="2")["next_cursor"]
    for who, name, cursor in [
        (other, "stuck-workflows", first),
        (world, "failed-charges", first),
        (world, "stuck-workflows", "bm90LWpzb24"),
    ]:
        reply = call(who, "GET", f"/admin/ops/{name}", session_token(who), query={"cursor": cursor})
        assert (reply.status, reply.json()["error"]) == (400, "invalid_cursor")


# --------------------------------------------------------------------------- dead letters


def test_a_renewal_failing_every_receive_is_listed_and_redriven_exactly_once(
    world: World, other: World
) -> None:
    # Given a renewal message that failed on each of RenewalQueue's five receives
    sub_id = _fail_first_renewal_until_dead_lettered(world)
    token = session_token(world)
    # When the merchant reads the dead letters
    page = _get(world, token, "dead-letters")
    # Then it is there, with what failed, and the other store's merchant does not see it
    [letter] = page["items"]
    assert letter["kind"] == "renewal"
    assert (letter["subscription_id"], letter["cycle"], letter["attempts"]) == (sub_id, 2, 5)
    assert letter["error"].startswith("RetryLater: ") and letter["redriven_at"] is None
    assert "token" not in letter["error"].lower()
    assert page["next_cursor"] is None
    assert _get(other, session_token(other), "dead-letters")["items"] == []
    # And it is a stuck workflow too, a worker's lease still on it
    [stuck] = _get(world, token, "stuck-workflows")["items"]
    assert stuck["subscription_id"] == sub_id and stuck["diagnosis"] == "lease_held"
    # When another store's merchant tries to redrive it
    theirs = call(
        other, "POST", f"/admin/ops/dead-letters/{letter['id']}/redrive", session_token(other)
    )
    # Then it is not found, and nothing is sent
    assert (theirs.status, theirs.json()["error"]) == (404, "not_found")
    assert _queue_messages(world, "RenewalQueue") == []
    # When the merchant redrives it once the lease has run out, twice in a row
    world.stack.advance_clock(timedelta(minutes=3))
    first = call(world, "POST", f"/admin/ops/dead-letters/{letter['id']}/redrive", token)
    second = call(world, "POST", f"/admin/ops/dead-letters/{letter['id']}/redrive", token)
    # Then the first sends the renewal again, the second is refused and sends nothing
    assert first.status == 200, first.body
    assert first.json()["redriven_at"] is not None
    assert (second.status, second.json()["error"]) == (409, "already_redriven")
    world.stack.pump()
    [order] = world.renewal_orders()
    assert order["status_id"] == 11
    [sub] = world.of_kind("subscription")
    assert sub["status"] == "active" and sub["next_cycle"] == 3
    assert world.event_types().count("charge.succeeded") == 1
    assert _get(world, token, "stuck-workflows")["items"] == []
    [listed] = _get(world, token, "dead-letters")["items"]
    assert listed["redriven_at"] == first.json()["redriven_at"]


def test_a_message_for_an_unknown_subscription_is_recorded_only_for_an_installed_store(
    world: World,
) -> None:
    # Given messages naming a subscription that does not exist, here and in no store at all
    sqs = boto3.client("sqs")
    for store_hash in (world.store_hash, "nostore"):
        ghost = RenewSubscription(store_hash=store_hash, subscription_id="sub_ghost", cycle=2)
        sqs.send_message(QueueUrl=world.stack.physical["RenewalQueue"], MessageBody=ghost.to_json())
    # When the queue is worked until the redrive policy acts
    world.stack.pump(retry_failed=True)
    # Then both are in the DLQ, but only this store's is recorded, under this store
    assert len(_queue_messages(world, "RenewalDLQ")) == 2
    [letter] = _get(world, session_token(world), "dead-letters")["items"]
    assert letter["subscription_id"] == "sub_ghost"
    assert letter["error"].startswith("SubscriptionNotFound")
    assert not [i for i in world.items("") if "nostore" in str(i["pk"])]


def test_dead_letters_page_newest_first_with_a_cursor_only_this_store_accepts(
    world: World, other: World
) -> None:
    # Given three renewal messages dead-lettered one hour apart
    sqs = boto3.client("sqs")
    for n in range(3):
        ghost = RenewSubscription(store_hash=world.store_hash, subscription_id=f"sub_{n}", cycle=2)
        sqs.send_message(QueueUrl=world.stack.physical["RenewalQueue"], MessageBody=ghost.to_json())
        world.stack.pump(retry_failed=True)
        world.stack.advance_clock(timedelta(hours=1))
    token = session_token(world)
    # When the merchant pages one at a time
    seen: list[str] = []
    page = _get(world, token, "dead-letters", limit="1")
    while True:
        seen += [i["subscription_id"] for i in page["items"]]
        if page["next_cursor"] is None:
            break
        page = _get(world, token, "dead-letters", limit="1", cursor=page["next_cursor"])
    # Then they come newest first, each once
    assert seen == ["sub_2", "sub_1", "sub_0"]
    # And the cursor is refused by another store and when forged
    first = _get(world, token, "dead-letters", limit="1")["next_cursor"]
    for who, cursor in [(other, first), (world, "bm90LWpzb24")]:
        reply = call(
            who, "GET", "/admin/ops/dead-letters", session_token(who), {}, {"cursor": cursor}
        )
        assert (reply.status, reply.json()["error"]) == (400, "invalid_cursor")


def test_a_webhook_delivery_that_exhausts_its_attempts_is_listed_and_replayed_once(
    world: World, other: World
) -> None:
    # Given the merchant endpoint answers 500 through the whole retry schedule
    receiver = world.stack.receiver
    receiver.fail_with = 500
    world.checkout(world.shopper())
    world.stack.pump()
    token = session_token(world)
    [endpoint] = world.of_kind("endpoint")
    for _ in range(len(RETRY_DELAYS)):  # to each retry the delivery log announces
        [latest] = container().delivery_log.list(world.store_hash, endpoint["endpoint_id"], 1)
        assert latest.next_attempt_at is not None
        world.stack.advance_clock(max(latest.next_attempt_at - world.stack.now(), timedelta()))
        world.stack.pump()
    assert receiver.attempts == 10
    # When the merchant reads the dead letters
    [letter] = _get(world, token, "dead-letters")["items"]
    # Then the exhausted delivery is there
    [event] = [e for e in world.of_kind("event") if e["type"] == "subscription.created"]
    assert letter["kind"] == "webhook_delivery" and letter["attempts"] == 10
    assert (letter["endpoint_id"], letter["event_id"]) == (
        endpoint["endpoint_id"],
        event["event_id"],
    )
    assert letter["event_type"] == "subscription.created"
    assert letter["error"].startswith("HTTP 500")
    # When another store's merchant tries to redrive it, then this store's merchant twice
    path = f"/admin/ops/dead-letters/{letter['id']}/redrive"
    assert call(other, "POST", path, session_token(other)).status == 404
    receiver.fail_with = None
    first = call(world, "POST", path, token)
    second = call(world, "POST", path, token)
    world.stack.pump()
    # Then the event reaches the endpoint once more, with its webhook-id, verified
    assert first.status == 200, first.body
    assert (second.status, second.json()["error"]) == (409, "already_redriven")
    assert [(r.webhook_id, r.verified) for r in receiver.received] == [(event["event_id"], True)]


def test_redrive_of_an_unknown_id_is_not_found_and_every_route_needs_a_session(
    world: World,
) -> None:
    token = session_token(world)
    for dead_letter_id in ("dl_01M849EPZKEFN98RKFNZ19FETN", "nope"):
        reply = call(world, "POST", f"/admin/ops/dead-letters/{dead_letter_id}/redrive", token)
        assert (reply.status, reply.json()["error"]) == (404, "not_found")
    for method, path in [
        ("GET", "/admin/ops/stuck-workflows"),
        ("GET", "/admin/ops/dead-letters"),
        ("POST", "/admin/ops/dead-letters/dl_01M849EPZKEFN98RKFNZ19FETN/redrive"),
    ]:
        for bad in (None, "forged"):
            reply = call(world, method, path, bad)
            assert (reply.status, reply.json()["error"]) == (401, "unauthorized")


def test_the_openapi_document_lists_the_ops_routes(world: World) -> None:
    reply = call(world, "GET", "/admin/openapi.json", None)
    assert reply.status == 200
    assert {
        "/admin/ops/stuck-workflows",
        "/admin/ops/dead-letters",
        "/admin/ops/dead-letters/{dead_letter_id}/redrive",
        "/admin/ops/items",
    } <= set(reply.json()["paths"])
