"""Capture timing: renewals authorized, then captured at once, on shipment or on fulfilment."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.tenant_settings import update_tenant_config
from devstack.stack import LocalStack

from .world import World


def _store(stack: LocalStack, timing: str, gateway: str = "authorization", **extra: Any) -> World:
    world = World.create(stack, gateway_mode=gateway)
    overrides = json.dumps({"capture_timing": timing, **extra})
    update_tenant_config(container().unit_of_work(), world.store_hash, overrides)
    return world


def _renewed(world: World) -> dict[str, Any]:
    world.subscribe()
    world.renew()
    [order] = world.renewal_orders()
    return order


def _txs(world: World, order_id: int, event: str, status: str = "ok") -> list[dict[str, Any]]:
    return [
        t
        for t in world.emulator.transactions(world.store_hash, order_id)
        if t["event"] == event and t["status"] == status
    ]


def _charge(world: World) -> dict[str, Any]:
    [charge] = world.of_kind("charge")
    return charge


def _auth(world: World) -> dict[str, Any]:
    return dict(json.loads(_charge(world)["doc"])["authorization"])


def test_on_ship_records_the_authorization_and_captures_once_when_shipped(
    stack: LocalStack,
) -> None:
    # Given a store that captures on shipment, with an authorize-only gateway
    world = _store(stack, "on_ship")
    # When a renewal is paid
    order = _renewed(world)
    # Then it is only authorized: amount, gateway transaction id and expiry are recorded
    [authorization] = _txs(world, order["id"], "authorization")
    auth = _auth(world)
    assert auth["state"] == "open"
    assert Decimal(auth["amount"]) == Decimal(order["total_inc_tax"])
    assert auth["gateway_transaction_id"] == authorization["gateway_transaction_id"]
    expires = stack.now() + timedelta(days=7)
    assert abs((_parse(auth["expires_at"]) - expires).total_seconds()) < 120
    assert _charge(world).get("auth_pk", "").startswith("AUTH#")
    assert _txs(world, order["id"], "capture") == []
    # When the merchant ships the order
    before = len(world.emulator.calls)
    world.emulator.create_shipment(world.store_hash, order["id"])
    world.stack.pump()
    # Then it is captured once, in 3 BigCommerce calls (transactions, capture, read-back),
    # the delivery is fulfilled, and the charge leaves the index
    assert [m for m, _ in world.emulator.calls[before:]] == ["GET", "POST", "GET"]
    assert len(_txs(world, order["id"], "capture")) == 1
    assert _auth(world)["state"] == "captured"
    assert "auth_pk" not in _charge(world)
    assert world.event_types().count("charge.captured") == 1
    assert world.event_types().count("delivery.fulfilled") == 1
    [delivery] = [d for d in world.of_kind("delivery") if d["cycle"] == 2]
    assert delivery["status"] == "fulfilled"


def test_a_duplicate_or_second_shipment_never_captures_twice(stack: LocalStack) -> None:
    # Given an on_ship renewal of two items, authorized
    world = _store(stack, "on_ship")
    order = _renewed(world)
    [line] = [
        line
        for line in world.emulator.stores[world.store_hash].lines[order["id"]]
        if line["quantity"] == 2
    ]
    # When one item ships, the webhook is delivered twice, and then the second item ships
    world.emulator.create_shipment(
        world.store_hash, order["id"], [{"order_product_id": line["id"], "quantity": 1}]
    )
    deliveries = world.emulator.drain_webhooks()
    for delivery in [*deliveries, *deliveries]:
        stack.runtime.http("POST", _path(delivery.url), delivery.body, delivery.headers)
    world.emulator.create_shipment(world.store_hash, order["id"])
    world.stack.pump()
    # Then the first shipment captured, and nothing was captured or fulfilled again
    assert len(_txs(world, order["id"], "capture")) == 1
    assert world.event_types().count("charge.captured") == 1
    assert world.event_types().count("delivery.fulfilled") == 1


def test_on_fulfillment_captures_when_the_order_reaches_a_fulfilled_status(
    stack: LocalStack,
) -> None:
    # Given a store that captures on fulfilment, and an authorized renewal
    world = _store(stack, "on_fulfillment")
    order = _renewed(world)
    # When the order moves to Awaiting Shipment (not fulfilled), then to Completed
    world.emulator.set_order_status(world.store_hash, order["id"], 9)
    world.stack.pump()
    assert _txs(world, order["id"], "capture") == []
    world.emulator.set_order_status(world.store_hash, order["id"], 10)
    world.stack.pump()
    # Then it was captured once
    assert len(_txs(world, order["id"], "capture")) == 1
    assert _auth(world)["reason"] == "fulfilled"


def test_immediate_captures_an_authorize_only_gateway_right_after_the_renewal(
    stack: LocalStack,
) -> None:
    # Given an immediate store whose gateway only authorizes
    world = _store(stack, "immediate")
    # When a renewal is paid
    order = _renewed(world)
    # Then the authorization was captured in the same run
    assert len(_txs(world, order["id"], "capture")) == 1
    assert _auth(world)["state"] == "captured"
    assert world.event_types().count("charge.captured") == 1


def test_a_purchase_gateway_on_an_on_ship_store_is_recorded_and_warned_about(
    stack: LocalStack,
) -> None:
    # Given a store asking for on_ship whose gateway captures at once
    world = _store(stack, "on_ship", gateway="purchase")
    # When a renewal is paid and shipped
    order = _renewed(world)
    world.emulator.create_shipment(world.store_hash, order["id"])
    world.stack.pump()
    # Then it is recorded as a purchase, the merchant is warned once, and nothing is captured
    charge = json.loads(_charge(world)["doc"])
    assert charge["stage"] == "completed" and charge["transaction_type"] == "purchase"
    assert charge["authorization"] is None
    assert world.event_types().count("config.capture_timing_unsupported") == 1
    assert _txs(world, order["id"], "capture") == []
    assert world.event_types().count("delivery.fulfilled") == 1


def test_a_cancelled_order_voids_its_open_authorization(stack: LocalStack) -> None:
    # Given an authorized on_ship renewal
    world = _store(stack, "on_ship")
    order = _renewed(world)
    # When the merchant cancels the order, and a shipment still arrives
    world.emulator.set_order_status(world.store_hash, order["id"], 5)
    world.stack.pump()
    world.emulator.create_shipment(world.store_hash, order["id"])
    world.stack.pump()
    # Then the authorization is voided once, recorded with its reason, and never captured
    assert len(_txs(world, order["id"], "void")) == 1
    assert _txs(world, order["id"], "capture") == []
    auth = _auth(world)
    assert (auth["state"], auth["reason"]) == ("voided", "order_cancelled")
    assert world.event_types().count("charge.voided") == 1
    assert "delivery.fulfilled" not in world.event_types()


def test_shipments_and_status_changes_of_other_orders_are_ignored(stack: LocalStack) -> None:
    # Given an on_ship store with a subscriber (its checkout order is not a renewal)
    world = _store(stack, "on_ship")
    _, checkout = world.subscribe()
    before = world.items("")
    # When the checkout order ships and is cancelled
    world.emulator.create_shipment(world.store_hash, checkout["id"])
    world.emulator.set_order_status(world.store_hash, checkout["id"], 5)
    world.stack.pump()
    # Then nothing of ours changed except the recorded deliveries of the webhooks
    after = [i for i in world.items("") if i["kind"] not in ("inbox",)]
    assert after == [i for i in before if i["kind"] not in ("inbox",)]


@pytest.mark.parametrize(("policy", "event"), [("capture", "capture"), ("void", "void")])
def test_an_authorization_near_expiry_is_settled_by_the_store_policy(
    stack: LocalStack, policy: str, event: str
) -> None:
    # Given an authorized on_ship renewal that never ships
    world = _store(stack, "on_ship", auth_expiry_action=policy)
    order = _renewed(world)
    # When the sweep runs before the lead time, then within it, then again
    stack.advance_clock(timedelta(days=5))
    stack.fire("AuthExpirySweepFunction")
    assert _txs(world, order["id"], event) == []
    stack.advance_clock(timedelta(days=1, hours=1))
    stack.fire("AuthExpirySweepFunction")
    stack.fire("AuthExpirySweepFunction")
    stack.pump()
    # Then the store's policy was applied exactly once, and the merchant was told
    assert len(_txs(world, order["id"], event)) == 1
    assert _auth(world)["reason"] == "authorization_expiring"
    expected = "charge.captured" if policy == "capture" else "charge.voided"
    assert world.event_types().count(expected) == 1
    assert "auth_pk" not in _charge(world)


def _parse(value: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _path(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).path


def _voided_at_expiry(stack: LocalStack) -> tuple[World, dict[str, Any]]:
    """An authorized on_ship renewal that never ships, voided by the sweep (run twice)."""
    world = _store(stack, "on_ship", auth_expiry_action="void")
    order = _renewed(world)
    stack.advance_clock(timedelta(days=6, hours=1))
    stack.fire("AuthExpirySweepFunction")
    stack.fire("AuthExpirySweepFunction")
    stack.pump()
    return world, order


def _sub_doc(world: World) -> dict[str, Any]:
    [sub] = world.of_kind("subscription")
    return dict(json.loads(sub["doc"]))


def _retry(world: World) -> None:
    """Move to the dunning retry and let the renewal sweep run (twice: nothing doubles)."""
    retry_at = _parse(_sub_doc(world)["dunning"]["next_retry_at"])
    world.stack.advance_clock(retry_at - world.stack.now() + timedelta(minutes=1))
    for _ in range(2):
        world.stack.fire("RenewalSweepFunction")
        world.stack.pump()


def test_a_voided_expiring_authorization_sends_the_cycle_back_to_dunning(
    stack: LocalStack,
) -> None:
    # Given a renewal whose authorization the sweep voided before it expired
    world, order = _voided_at_expiry(stack)
    # Then the cycle is unpaid again, once: past due with a retry on the store's schedule
    [sub] = world.of_kind("subscription")
    doc = _sub_doc(world)
    assert (sub["status"], sub["next_cycle"]) == ("past_due", 2)
    assert (doc["dunning"]["cycle"], doc["dunning"]["failed_attempts"]) == (2, 1)
    assert doc["dunning"]["next_retry_at"] is not None
    types = world.event_types()
    assert [types.count(t) for t in ("charge.voided", "charge.failed")] == [1, 1]
    assert types.count("subscription.past_due") == 1
    # When the retry runs
    _retry(world)
    # Then the voided order is left alone and exactly one replacement order is authorized
    [first, replacement] = world.renewal_orders()
    assert first["id"] == order["id"]
    assert replacement["external_order_id"].endswith("-c2-r1")
    assert [t["event"] for t in world.emulator.transactions(world.store_hash, order["id"])] == [
        "authorization",
        "void",
    ]
    assert len(_txs(world, replacement["id"], "authorization")) == 1
    [sub] = world.of_kind("subscription")
    assert (sub["status"], sub["next_cycle"]) == ("active", 3)
    assert _auth(world)["state"] == "open"
    assert world.event_types().count("subscription.renewed") == 2


def test_the_replacement_order_is_the_one_captured_when_shipped(stack: LocalStack) -> None:
    # Given a voided cycle paid again on its replacement order
    world, order = _voided_at_expiry(stack)
    _retry(world)
    replacement = world.renewal_orders()[1]
    # When the voided order ships (the merchant ignored the void), then the replacement
    world.emulator.create_shipment(world.store_hash, order["id"])
    world.emulator.create_shipment(world.store_hash, replacement["id"])
    stack.pump()
    # Then only the replacement's authorization is captured
    assert _txs(world, order["id"], "capture") == []
    assert len(_txs(world, replacement["id"], "capture")) == 1
    assert world.event_types().count("charge.captured") == 1
