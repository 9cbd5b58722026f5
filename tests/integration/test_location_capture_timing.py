"""Delivery locations on a store that captures later, on the whole topology (sweeps, queue,
workers, DynamoDB, emulator): each location's authorization sits in the AuthExpiryIndex on its
own and is voided at expiry once. The fault matrix runs on the in-memory unit of work
(`tests/services/test_location_auth_expiry.py`)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.delivery_locations import add_location
from bc_subscriptions.services.tenant_settings import update_tenant_config
from devstack.stack import LocalStack

from ..services.locations_world import location
from .world import World


def _location_charges(world: World, cycle: int) -> list[dict[str, Any]]:
    return [
        c for c in world.of_kind("charge") if str(c["sk"]).startswith(f"CHARGE#{cycle:06d}#LOC#")
    ]


def _doc(item: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(item["doc"]))


def _void_txs(world: World, order_id: int) -> int:
    txs = world.emulator.transactions(world.store_hash, order_id)
    return sum(1 for t in txs if t["event"] == "void" and t["status"] == "ok")


def test_two_locations_voided_at_expiry_are_indexed_each_voided_once_and_both_replaced(
    stack: LocalStack,
) -> None:
    # Given a store that captures on shipment and voids what is about to expire, and a
    # subscription shipping to two locations, renewed into two authorized orders
    world = World.create(stack, gateway_mode="authorization")
    overrides = json.dumps({"capture_timing": "on_ship", "auth_expiry_action": "void"})
    update_tenant_config(container().unit_of_work(), world.store_hash, overrides)
    world.subscribe()
    [sub] = world.of_kind("subscription")
    sub_id = str(sub["pk"]).split("#")[2]
    for city in ("Austin", "Boston"):
        add_location(
            world.store_hash,
            sub_id,
            location(city),
            uow=container().unit_of_work(),
            now=stack.now(),
        )
    world.renew()
    charges = _location_charges(world, 2)
    assert [_doc(c)["authorization"]["state"] for c in charges] == ["open", "open"]
    assert all(str(c.get("auth_pk", "")).startswith("AUTH#") for c in charges)
    orders = [int(c["bc_order_id"]) for c in charges]
    # When the expiry sweep runs (twice) as both are about to expire
    stack.advance_clock(timedelta(days=6, hours=1))
    stack.fire("AuthExpirySweepFunction")
    stack.fire("AuthExpirySweepFunction")
    stack.pump()
    # Then each order was voided once, both left the index, and the cycle went to dunning once
    assert [_void_txs(world, o) for o in orders] == [1, 1]
    assert not any("auth_pk" in c for c in _location_charges(world, 2))
    [sub] = world.of_kind("subscription")
    assert (sub["status"], sub["next_cycle"]) == ("past_due", 2)
    types = world.event_types()
    assert types.count("charge.voided") == 2
    assert types.count("charge.failed") == types.count("subscription.past_due") == 1
    # When the dunning retry comes (the renewal sweep runs twice)
    retry_at = datetime.fromisoformat(_doc(sub)["dunning"]["next_retry_at"])
    stack.advance_clock(retry_at - stack.now() + timedelta(minutes=1))
    for _ in range(2):
        stack.fire("RenewalSweepFunction")
        stack.pump()
    # Then each location has one replacement order, authorized and back in the index
    charges = _location_charges(world, 2)
    replacements = [int(c["bc_order_id"]) for c in charges]
    assert set(replacements).isdisjoint(orders)
    assert [_doc(c)["authorization"]["state"] for c in charges] == ["open", "open"]
    assert all(str(c.get("auth_pk", "")).startswith("AUTH#") for c in charges)
    assert len([o for o in world.renewal_orders() if "-c2-" in o["external_order_id"]]) == 4
    [sub] = world.of_kind("subscription")
    assert (sub["status"], sub["next_cycle"]) == ("active", 3)
