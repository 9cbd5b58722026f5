"""A three-location subscription renewed on the whole topology (admin API, sweep, queue, worker,
DynamoDB, emulator) under injected faults: three orders, once each, each shipping to its own
location. The fault matrix runs on the in-memory unit of work
(`tests/services/test_location_renewal_faults.py`)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.payment_actions import renewal_charge

from ..services.locations_world import location
from .admin_api_client import call, session_token, subscription_ids
from .world import World

CITIES = ("Austin", "Boston", "Chicago")


def _shipped_to(world: World, order_id: int) -> dict[str, Any]:
    # What the order's `GET .../shipping_addresses` answers (test_bc_emulator_shipping_addresses).
    [address] = world.emulator.stores[world.store_hash].shipping[order_id]
    return dict(address)


def test_a_three_location_subscription_renews_into_three_orders_once_each_under_faults(
    world: World,
) -> None:
    # Given a subscription the merchant ships to three locations through the admin API
    world.subscribe()
    [sub_id] = subscription_ids(world)
    token = session_token(world)
    for n, city in enumerate(CITIES, start=1):
        reply = call(
            world, "POST", f"/admin/subscriptions/{sub_id}/locations", token, location(city, n)
        )
        assert reply.status == 201, reply.body
    # and BigCommerce losing the answer to an order creation and to a payment, failing the
    # read-back of the payment once and timing out an access token before it is made
    faults = world.emulator.faults
    faults.inject("POST", "/stores/*/v2/orders", "5xx_after", times=1)
    faults.inject("POST", "/stores/*/payments", "timeout_after", times=1)
    faults.inject("GET", "/stores/*/v3/orders/*/transactions", "5xx_before", times=1)
    faults.inject("POST", "/stores/*/v3/payments/access_tokens", "timeout_before", times=1)
    # When the cycle comes and the sweeps run until nothing is left to do
    world.renew()
    for _ in range(3):
        world.stack.advance_clock(timedelta(minutes=10))
        world.stack.fire("RenewalSweepFunction")
        world.stack.pump()
    # Then every fault happened and each location has one order, paid once, shipping there
    assert faults.pending() == 0
    orders = world.renewal_orders()
    assert len(orders) == 3
    for order in orders:
        address = _shipped_to(world, order["id"])
        n = CITIES.index(address["city"]) + 1
        assert address["shipping_method"] == "Flat Rate"
        assert address["street_1"] == f"1 {address['city']} Way"
        assert Decimal(order["total_inc_tax"]) == Decimal("25.00") * n + Decimal("5.00")
        txs = world.emulator.transactions(world.store_hash, order["id"])
        assert len([t for t in txs if t["status"] == "ok"]) == 1, txs
    assert sorted(_shipped_to(world, o["id"])["city"] for o in orders) == list(CITIES)
    # and the cycle was recorded once, each location's stages once
    [sub] = world.of_kind("subscription")
    assert sub["status"] == "active" and sub["next_cycle"] == 3
    types = world.event_types()
    assert types.count("subscription.renewed") == 1 and types.count("charge.succeeded") == 1
    assert types.count("charge.stage.payment_captured") == 3
    charges = [c for c in world.of_kind("charge") if c["cycle"] == 2]
    assert len(charges) == 4 and {c["stage"] for c in charges} == {"completed"}
    # and each order's link in the table leads to its own location's charge
    located = set()
    for order in orders:
        found = renewal_charge(container().unit_of_work(), world.store_hash, order["id"])
        assert found is not None and found.charge.bc_order_id == order["id"]
        located.add(found.charge.location_id)
    assert len(located) == 3 and None not in located
