"""Authorized payments of a multi-location cycle: each location's order is captured on its own,
at once or when that order ships, and the order names its own location's charge."""

from __future__ import annotations

from bc_subscriptions.services.payment_actions import renewal_charge
from bc_subscriptions.services.renewal_workflow import run_renewal
from bc_subscriptions.services.shipments import on_shipment

from .capture_world import store, txs
from .locations_world import three_locations


def test_an_immediate_store_captures_each_locations_authorization_once() -> None:
    # Given an authorize-only gateway on a store that captures at once
    world = store("immediate")
    cmd = three_locations(world)
    # When the cycle renews
    assert run_renewal(cmd, world.deps("w")).outcome == "renewed"
    # Then each of the three orders was authorized and captured, once
    orders = world.renewal_orders()
    assert len(orders) == 3
    for order in orders:
        assert len(txs(world, order["id"], "authorization")) == 1
        assert len(txs(world, order["id"], "capture")) == 1


def test_shipping_one_locations_order_captures_that_order_only() -> None:
    # Given an on_ship store and a renewed three-location cycle, all three authorized
    world = store("on_ship")
    cmd = three_locations(world)
    run_renewal(cmd, world.deps("w"))
    first, second, third = sorted(world.renewal_orders(), key=lambda o: o["id"])
    # When the second location's order ships (and the webhook comes twice)
    outcomes = [on_shipment(world.store_hash, second["id"], world.action_deps()) for _ in range(2)]
    # Then only that order's authorization was captured
    assert outcomes[0].startswith("captured"), outcomes
    assert [len(txs(world, o["id"], "capture")) for o in (first, second, third)] == [0, 1, 0]


def test_each_renewal_order_leads_back_to_its_own_locations_charge() -> None:
    # Given
    world = store("immediate", gateway="purchase")
    cmd = three_locations(world)
    run_renewal(cmd, world.deps("w"))
    [sub] = world.subscriptions()
    # When / Then
    found = set()
    for order in world.renewal_orders():
        charge = renewal_charge(world.uow(), world.store_hash, order["id"])
        assert charge is not None and charge.charge.bc_order_id == order["id"]
        found.add(charge.charge.location_id)
    assert found == {loc.id for loc in sub.delivery_locations}
