"""The merchant's ops queues of declined renewals and "retry now" (in-memory container): what
each queue lists, its cursor, and the retries refused. A retry that pays the declined cycle
through the renewal queue is tried on the whole topology
(`tests/integration/test_admin_ops_api.py`)."""

from __future__ import annotations

from typing import Any

import pytest

from .client import call, session_token
from .renewals import renew, work
from .world import ApiStack, ApiWorld


@pytest.fixture
def other(stack: ApiStack) -> ApiWorld:
    return ApiWorld.create(stack)


def _declined(world: ApiWorld, *behaviors: str) -> list[str]:
    """Subscribers whose first renewal (one sweep for all) the card answered with each
    behaviour; returns their subscription ids in that order."""
    customers = []
    for behavior in behaviors:
        customer, _ = world.subscribe()
        world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, behavior)
        customers.append(customer)
    renew(world.stack)
    by_customer = {int(s["customer_id"]): s for s in world.of_kind("subscription")}
    return [str(by_customer[c.id]["subscription_id"]) for c in customers]


def _queue(world: ApiWorld, token: str, name: str, **query: str) -> dict[str, Any]:
    reply = call(world, "GET", f"/admin/ops/{name}", token, query=query)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def test_failed_charges_and_requires_action_queues_list_only_the_stores_own(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given a soft decline and a hard decline here, a healthy subscriber, and a decline elsewhere
    theirs, _ = other.subscribe()
    other.emulator.set_card_behavior(
        other.store_hash, theirs.instrument_token, "insufficient_funds"
    )
    soft, hard, _ = _declined(world, "insufficient_funds", "expired", "ok")  # renews both stores
    token = session_token(world)
    # When the merchant reads the two queues
    failed = _queue(world, token, "failed-charges")
    action = _queue(world, token, "requires-action")
    # Then each holds only this store's subscription in that state, with its dunning state
    [item] = failed["items"]
    assert item["subscription"]["id"] == soft and item["subscription"]["status"] == "past_due"
    assert item["dunning"]["next"] == "retry" and item["dunning"]["next_retry_at"] is not None
    assert item["dunning"]["failed_attempts"] == 1
    assert [i["subscription"]["id"] for i in action["items"]] == [hard]
    assert action["items"][0]["dunning"]["next"] == "new_card"
    assert failed["next_cursor"] is None and action["next_cursor"] is None
    # And the other store's merchant sees only theirs
    [their_item] = _queue(other, session_token(other), "failed-charges")["items"]
    assert their_item["subscription"]["customer_id"] == theirs.id


def test_the_queue_pages_with_a_cursor_that_only_this_store_and_queue_accept(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given three past-due subscribers
    ids = _declined(world, *["insufficient_funds"] * 3)
    token = session_token(world)
    # When the merchant pages one at a time
    seen: list[str] = []
    page = _queue(world, token, "failed-charges", limit="1")
    while True:
        seen += [i["subscription"]["id"] for i in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
        page = _queue(world, token, "failed-charges", limit="1", cursor=cursor)
    # Then every one is listed exactly once
    assert sorted(seen) == sorted(ids)
    # And a cursor is refused by the other queue, by another store, and when forged
    first = _queue(world, token, "failed-charges", limit="1")["next_cursor"]
    for who, name, cursor in [
        (world, "requires-action", first),
        (other, "failed-charges", first),
        (world, "failed-charges", "bm90LWpzb24"),
    ]:
        reply = call(who, "GET", f"/admin/ops/{name}", session_token(who), query={"cursor": cursor})
        assert reply.status == 400 and reply.json()["error"] == "invalid_cursor"


def test_retry_now_is_a_conflict_when_nothing_waits_for_a_retry(world: ApiWorld) -> None:
    # Given a healthy subscriber and one whose card must be replaced
    healthy, hard = _declined(world, "ok", "expired")
    token = session_token(world)
    before = world.items()
    # When the merchant asks to retry either
    for sub_id in (healthy, hard):
        reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/retry-payment", token)
        # Then it is refused with a machine-readable code, and nothing is written or sent
        assert reply.status == 409 and reply.json()["error"] == "nothing_to_retry"
    assert world.items() == before
    orders = world.renewal_orders()
    work(world.stack)
    assert world.renewal_orders() == orders


def test_retry_now_of_another_stores_subscription_is_not_found(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given a past-due subscription in another store
    [theirs] = _declined(other, "insufficient_funds")
    before = other.items()
    # When this store's merchant asks to retry it
    reply = call(
        world, "POST", f"/admin/subscriptions/{theirs}/retry-payment", session_token(world)
    )
    # Then it is not found, and the other store's subscription is untouched
    assert reply.status == 404
    assert other.items() == before
