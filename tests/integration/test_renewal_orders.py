"""Renewal orders a merchant can ship: addresses, shipping, currency, channel, metafield, calls."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from devstack.bc_emulator import ShipmentRefused

from .world import PRODUCT_ID, World


def _sub(world: World) -> dict[str, Any]:
    [sub] = world.of_kind("subscription")
    return dict(json.loads(sub["doc"]))


def _bc(world: World) -> httpx.Client:
    """What the merchant's other tools see: the store's API with the store token."""
    store = world.emulator.stores[world.store_hash]
    return httpx.Client(
        transport=world.emulator.transport(),
        base_url=f"https://bc.test/stores/{world.store_hash}",
        # The specs require both headers on every request, as our client sends them.
        headers={
            "X-Auth-Token": store.access_token,
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )


def _plan(world: World, **terms: Any) -> None:
    cadence = Cadence(label="Monthly", interval=Interval.MONTH)
    world.stack.put_plan(world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[cadence], **terms))


def _checkout(world: World, **kw: Any) -> Any:
    customer = world.shopper()
    world.checkout(customer, **kw)
    world.stack.pump()
    return customer


COURIER = {"shipping_method": "Courier", "cost_ex_tax": "5.00", "cost_inc_tax": "5.50"}


def test_a_renewal_order_ships_to_the_subscriptions_address_with_its_cost_currency_and_channel(
    world: World,
) -> None:
    # Given a shopper on the store's second channel who paid 5.50 for courier shipping
    world.emulator.add_channel(world.store_hash, 2)
    _checkout(world, channel_id=2, destinations=[{**COURIER, "street_1": "9 Elm St"}])
    # When the subscription renews
    world.renew()
    # Then the renewal order ships there, by that method, at that cost, in the same channel
    [order] = world.renewal_orders()
    assert (order["channel_id"], order["default_currency_code"]) == (2, "USD")
    assert (order["shipping_cost_ex_tax"], order["shipping_cost_inc_tax"]) == ("5.0000", "5.5000")
    assert Decimal(order["total_inc_tax"]) == Decimal("55.50")  # 2 x 25.00 + 5.50
    assert order["payment_method"] == "Credit Card" and order["status_id"] == 11
    assert order["external_source"] == "0"  # the app's numeric id setting
    http = _bc(world)
    [address] = http.get(f"/v2/orders/{order['id']}/shipping_addresses").json()
    assert (address["street_1"], address["shipping_method"]) == ("9 Elm St", "Courier")
    # And the merchant can ship it to that address
    [line] = http.get(f"/v2/orders/{order['id']}/products").json()
    shipped = http.post(
        f"/v2/orders/{order['id']}/shipments",
        json={
            "order_address_id": address["id"],
            "items": [{"order_product_id": line["id"], "quantity": 2}],
        },
    )
    assert shipped.status_code == 201, shipped.text
    # And other apps read which subscription and cycle the order renews
    sub = _sub(world)
    [field] = http.get(f"/v3/orders/{order['id']}/metafields").json()["data"]
    assert field["permission_set"] == "read" and field["key"] == order["external_order_id"]
    assert json.loads(field["value"]) == {"subscription_id": sub["id"], "cycle": 2}


def test_a_happy_renewal_costs_four_bigcommerce_calls(world: World) -> None:
    # Given a subscription that ships
    _checkout(world, destinations=[COURIER])
    world.emulator.reset_calls()
    # When it renews
    world.renew()
    # Then: the order, its metafield, the payment access token and the payment
    paths = [(m, p.split("/", 3)[-1]) for m, p in world.emulator.calls]
    order_id = world.renewal_orders()[0]["id"]
    assert paths == [
        ("POST", "v2/orders"),
        ("POST", f"v3/orders/{order_id}/metafields"),
        ("POST", "v3/payments/access_tokens"),
        ("POST", "payments"),
    ]


def test_a_shopper_paying_euros_on_a_dollar_store_renews_in_euros(world: World) -> None:
    # Given a USD store that takes euros, and a shopper who paid in euros
    world.emulator.enable_currency(world.store_hash, "EUR")
    _checkout(world, currency="EUR")
    # When
    world.renew()
    # Then the renewal is a euro order, paid in euros
    [order] = world.renewal_orders()
    assert (order["default_currency_code"], order["store_default_currency_code"]) == ("EUR", "USD")
    [tx] = [t for t in world.emulator.transactions(world.store_hash, order["id"])]
    assert (tx["currency"], tx["status"]) == ("EUR", "ok")
    assert _sub(world)["currency"] == "EUR"


def test_a_shopper_shown_euros_but_paying_dollars_renews_in_dollars(world: World) -> None:
    # Given euros were only the storefront's display currency; the shopper paid in dollars
    _checkout(world, display_currency="EUR")
    # When
    world.renew()
    # Then the subscription and its renewal are in the transactional currency
    assert _sub(world)["currency"] == "USD"
    [order] = world.renewal_orders()
    assert order["default_currency_code"] == "USD" and order["status_id"] == 11


def test_a_free_shipping_plan_renews_without_the_checkouts_shipping_cost(world: World) -> None:
    # Given a plan whose renewals ship free, bought with paid shipping
    _plan(world, free_shipping=True)
    _checkout(world, destinations=[COURIER])
    # When
    world.renew()
    # Then the order still ships there, at no cost
    [order] = world.renewal_orders()
    assert order["shipping_cost_inc_tax"] == "0.0000" and order["shipping_address_count"] == 1
    assert Decimal(order["total_inc_tax"]) == Decimal("50.00")


def test_an_order_shipping_to_two_addresses_renews_to_both_with_its_share_of_shipping(
    world: World,
) -> None:
    # Given one checkout: beans to two addresses, and a one-time mug to the second
    lines = [
        {"product_id": PRODUCT_ID, "quantity": 1},
        {"product_id": PRODUCT_ID, "quantity": 1},
        {"product_id": 222, "quantity": 2},  # 2 x 12.00, not a subscription product
    ]
    home = {**COURIER, "street_1": "1 Home Rd", "lines": [0]}
    office = {
        "shipping_method": "Flat Rate",
        "cost_ex_tax": "4.90",
        "cost_inc_tax": "4.90",
        "street_1": "2 Office Pl",
        "lines": [1, 2],
    }
    _checkout(world, lines=lines, destinations=[home, office])
    # When
    world.renew()
    # Then the subscription keeps both addresses, and the office's cost in the beans' share
    sub = _sub(world)
    assert [a["street_1"] for a in [sub["shipping_address"], *sub["extra_shipping_addresses"]]] == [
        "1 Home Rd",
        "2 Office Pl",
    ]
    assert sub["shipping_cost_inc_tax"] == "8.00"  # 5.50 + 4.90 x 25 / (25 + 24)
    [order] = world.renewal_orders()
    http = _bc(world)
    streets = [
        a["street_1"] for a in http.get(f"/v2/orders/{order['id']}/shipping_addresses").json()
    ]
    assert streets == ["1 Home Rd", "2 Office Pl"]
    assert Decimal(order["total_inc_tax"]) == Decimal("58.00")


def test_a_prepaid_delivery_order_ships_to_the_address_and_the_merchant_can_ship_it(
    world: World,
) -> None:
    # Given a plan prepaid for two deliveries per charge
    _plan(world, billing_period_count=2)
    _checkout(world, destinations=[COURIER])
    # When cycle 2 comes (covered by the checkout's charge)
    world.renew()
    # Then its zero-priced fulfilment order ships to the address without shipping cost
    [order] = world.renewal_orders()
    assert (order["status_id"], order["total_inc_tax"]) == (11, "0.0000")
    assert order["shipping_address_count"] == 1
    world.emulator.create_shipment(world.store_hash, order["id"])


def test_a_digital_subscriptions_renewal_cannot_be_shipped(world: World) -> None:
    # Given a digital subscription (nowhere to ship)
    _checkout(world, shipping_method=None)
    # When it renews
    world.renew()
    # Then its order has no address, no shipping cost, and BigCommerce refuses a shipment
    [order] = world.renewal_orders()
    assert order["shipping_address_count"] == 0 and order["shipping_cost_inc_tax"] == "0.0000"
    with pytest.raises(ShipmentRefused):
        world.emulator.create_shipment(world.store_hash, order["id"])


def test_an_unknown_order_create_is_found_among_incomplete_orders_and_not_made_twice(
    world: World,
) -> None:
    # Given BigCommerce creates the renewal order but the answer is lost
    _checkout(world)
    world.emulator.faults.inject("POST", "/stores/*/v2/orders", "timeout_after", times=1)
    world.renew()
    # When the sweep runs the cycle again past the failed attempt's lease
    world.stack.advance_clock(timedelta(minutes=10))
    world.emulator.reset_calls()
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then the Incomplete order was found (lists leave it out unless status_id=0 is asked)
    [order] = world.renewal_orders()
    assert order["status_id"] == 11
    assert ("POST", f"/stores/{world.store_hash}/v2/orders") not in world.emulator.calls
    assert _sub(world)["next_cycle"] == 3
