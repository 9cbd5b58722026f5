"""Each order holds its own shipping address as BigCommerce does: what `POST /v2/orders` was
given comes back from `GET /v2/orders/{id}/shipping_addresses`, with the order's shipping."""

from __future__ import annotations

from typing import Any

import pytest

from .test_bc_emulator import Bc
from .test_bc_emulator_fidelity import _body, _http

FULL = {
    "first_name": "Dana",
    "last_name": "Lee",
    "company": "Acme Branch",
    "street_1": "1 Main St",
    "street_2": "Dock 4",
    "city": "Austin",
    "state": "Texas",
    "zip": "78701",
    "country": "United States",
    "country_iso2": "US",
    "phone": "555-0100",
    "email": "dock@example.com",
    "shipping_method": "Flat Rate",
}
SHIPPING = {"shipping_cost_ex_tax": "5.00", "shipping_cost_inc_tax": "5.50"}


@pytest.fixture
def bc() -> Bc:
    return Bc()


def _order(bc: Bc, customer_id: int, address: dict[str, Any]) -> Any:
    reply = _http(bc).post(
        "/v2/orders", json=_body(customer_id, shipping_addresses=[address], **SHIPPING)
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_an_orders_shipping_address_comes_back_field_for_field_with_its_cost(bc: Bc) -> None:
    # Given / When
    order = _order(bc, bc.shopper().id, FULL)
    [address] = _http(bc).get(f"/v2/orders/{order['id']}/shipping_addresses").json()
    # Then
    assert {k: address[k] for k in FULL} == FULL
    assert address["order_id"] == order["id"] and address["items_total"] == 1
    assert (address["cost_ex_tax"], address["cost_inc_tax"]) == ("5.0000", "5.5000")
    assert order["shipping_address_count"] == 1


def test_two_orders_of_one_shopper_keep_their_own_addresses(bc: Bc) -> None:
    # Given one shopper's orders to two locations
    ada = bc.shopper()
    austin = _order(bc, ada.id, FULL)
    boston = _order(bc, ada.id, FULL | {"city": "Boston", "street_1": "9 Elm St"})
    http = _http(bc)
    # When / Then
    [a] = http.get(f"/v2/orders/{austin['id']}/shipping_addresses").json()
    [b] = http.get(f"/v2/orders/{boston['id']}/shipping_addresses").json()
    assert (a["city"], b["city"]) == ("Austin", "Boston")
    assert a["id"] != b["id"]


def test_an_address_field_the_spec_does_not_list_is_refused(bc: Bc) -> None:
    # Given / When
    body = _body(bc.shopper().id, shipping_addresses=[FULL | {"dock_door": "4"}], **SHIPPING)
    reply = _http(bc).post("/v2/orders", json=body)
    # Then
    assert reply.status_code == 400
    [error] = reply.json()
    assert error["status"] == 400 and "dock_door" in error["message"]
    assert bc.emu.orders("abc123") == []
