"""A multi-location cycle's delivery on the whole topology (webhook functions, queue, worker,
DynamoDB transactions, emulator): fulfilled when the last location's order is settled,
announced once. Duplicates, races and crashes run on the in-memory unit of work
(`tests/services/test_location_delivery_fulfilment.py`)."""

from __future__ import annotations

import json
from typing import Any

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.delivery_locations import add_location
from devstack.stack import LocalStack

from ..services.locations_world import location
from .world import World

CANCELLED, COMPLETED = 5, 10


def _three_locations_renewed(stack: LocalStack) -> tuple[World, list[int]]:
    """A subscription shipping to three locations, renewed; its cycle 2 orders by location."""
    world = World.create(stack)
    world.subscribe()
    [sub] = world.of_kind("subscription")
    sub_id = str(sub["pk"]).split("#")[2]
    for city in ("Austin", "Boston", "Chicago"):
        add_location(
            world.store_hash,
            sub_id,
            location(city),
            uow=container().unit_of_work(),
            now=stack.now(),
        )
    world.renew()
    charges = [
        c for c in world.of_kind("charge") if str(c["sk"]).startswith(f"CHARGE#{2:06d}#LOC#")
    ]
    return world, [int(c["bc_order_id"]) for c in charges]


def _delivery(world: World) -> dict[str, Any]:
    [delivery] = [d for d in world.of_kind("delivery") if d["cycle"] == 2]
    return dict(json.loads(delivery["doc"]))


def test_the_cycle_is_delivered_when_its_last_location_ships_and_is_announced_once(
    stack: LocalStack,
) -> None:
    # Given a renewed three-location cycle
    world, (first, second, third) = _three_locations_renewed(stack)
    # When the merchant ships the first two orders (the first twice over: shipment, then
    # the order completed in the control panel)
    for order in (first, second):
        world.emulator.create_shipment(world.store_hash, order)
    world.emulator.set_order_status(world.store_hash, first, COMPLETED)
    stack.pump()
    # Then the cycle's delivery still waits for the third, each location's state kept
    delivery = _delivery(world)
    assert delivery["status"] == "pending"
    assert sorted(loc["state"] for loc in delivery["locations"].values()) == [
        "pending",
        "shipped",
        "shipped",
    ]
    assert "delivery.fulfilled" not in world.event_types()
    # When the third ships
    world.emulator.create_shipment(world.store_hash, third)
    stack.pump()
    # Then the delivery is fulfilled and announced once
    assert _delivery(world)["status"] == "fulfilled"
    assert world.event_types().count("delivery.fulfilled") == 1


def test_a_cancelled_locations_order_does_not_hold_the_cycle_open(stack: LocalStack) -> None:
    # Given a renewed three-location cycle whose first two orders shipped
    world, (first, second, third) = _three_locations_renewed(stack)
    for order in (first, second):
        world.emulator.create_shipment(world.store_hash, order)
    stack.pump()
    # When the merchant cancels the third location's order
    world.emulator.set_order_status(world.store_hash, third, CANCELLED)
    stack.pump()
    # Then the cycle is delivered once, the third location recorded as cancelled
    delivery = _delivery(world)
    assert delivery["status"] == "fulfilled"
    assert sorted(loc["state"] for loc in delivery["locations"].values()) == [
        "cancelled",
        "shipped",
        "shipped",
    ]
    assert world.event_types().count("delivery.fulfilled") == 1
