"""The merchant's "retry now" on the whole topology: the retry brought forward goes through
the SQS renewal queue to the renewal worker, which pays the declined cycle's order once, and
the subscription leaves the failed-charges queue read from the table's index. The queues'
listings, cursors and refused retries are tried on the in-memory container
(`tests/api/test_ops_queues_api.py`)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from .admin_api_client import call, session_token
from .world import World


def _doc(world: World, subscription_id: str) -> dict[str, Any]:
    [sub] = [s for s in world.of_kind("subscription") if s["subscription_id"] == subscription_id]
    return dict(json.loads(sub["doc"]))


def _queue(world: World, token: str, name: str, **query: str) -> dict[str, Any]:
    reply = call(world, "GET", f"/admin/ops/{name}", token, query=query)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def test_a_recovered_subscription_leaves_the_failed_charges_queue(world: World) -> None:
    # Given a declined renewal whose retry, brought forward by the merchant, succeeds
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(
        world.store_hash, customer.instrument_token, "insufficient_funds"
    )
    world.renew()
    [sub] = world.of_kind("subscription")
    sub_id = str(sub["subscription_id"])
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "ok")
    token = session_token(world)
    failed_at = world.stack.now()
    # When the merchant retries now
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/retry-payment", token)
    assert reply.status == 200, reply.body
    assert reply.json()["cycle"] == 2
    retry_at = _doc(world, sub_id)["dunning"]["next_retry_at"]
    assert failed_at <= datetime.fromisoformat(retry_at) <= world.stack.now()
    world.stack.pump()
    # Then the same order is paid at once, the subscription is active, and the queue is empty
    [order] = world.renewal_orders()
    assert order["status_id"] == 11
    doc = _doc(world, sub_id)
    assert doc["status"] == "active" and doc["dunning"] is None and doc["next_cycle"] == 3
    assert world.stack.now() - failed_at < timedelta(minutes=1)  # not the day-1 retry
    assert _queue(world, token, "failed-charges")["items"] == []
    [charge] = world.of_kind("charge")
    assert json.loads(charge["doc"])["retries"] == 1
