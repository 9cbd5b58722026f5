"""The emulator refuses what BigCommerce refuses, in its status and error shape."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bc_subscriptions.ports.bigcommerce import PaymentDeclined

from .test_bc_emulator import BEANS, STORE, TOKEN, Bc


@pytest.fixture
def bc() -> Bc:
    return Bc()


def _http(bc: Bc) -> httpx.Client:
    return httpx.Client(
        transport=bc.emu.transport(),
        base_url=f"https://bc.test/stores/{STORE}",
        # Every call as our client makes it: the specs require both headers on each request.
        headers={
            "X-Auth-Token": TOKEN,
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
    )


def _body(customer_id: int, **extra: Any) -> dict[str, Any]:
    line = {"product_id": BEANS, "quantity": 1, "price_ex_tax": 10, "price_inc_tax": 10}
    return {
        "customer_id": customer_id,
        "billing_address": {"zip": "78701"},
        "products": [line],
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"default_currency_code": "EUR"}, "default_currency_code"),
        ({"channel_id": 2}, "channel_id"),
        ({"shipping_cost_ex_tax": "5.00"}, "shipping_cost_inc_tax"),
        ({"shipping_cost_ex_tax": "-1", "shipping_cost_inc_tax": "-1"}, "shipping_cost_ex_tax"),
        ({"shipping_addresses": ["1 Main St"]}, "shipping_addresses"),
    ],
)
def test_a_create_order_the_spec_refuses_is_a_400_in_the_v2_error_shape(
    bc: Bc, extra: dict[str, Any], field: str
) -> None:
    # Given a USD-only store with one channel
    ada = bc.shopper()
    # When
    reply = _http(bc).post("/v2/orders", json=_body(ada.id, **extra))
    # Then
    assert reply.status_code == 400
    [error] = reply.json()
    assert error["status"] == 400 and field in error["message"]
    assert bc.emu.orders(STORE) == []


def test_line_prices_sent_as_strings_are_refused(bc: Bc) -> None:
    # Given / When
    body = _body(bc.shopper().id)
    body["products"][0] |= {"price_ex_tax": "10.00", "price_inc_tax": "10.00"}
    reply = _http(bc).post("/v2/orders", json=body)
    # Then
    assert reply.status_code == 400 and "price_ex_tax" in reply.json()[0]["message"]


def test_a_transactional_currency_is_accepted_and_shown_beside_the_stores_default(bc: Bc) -> None:
    # Given a store that takes euros
    bc.emu.enable_currency(STORE, "EUR")
    # When
    reply = _http(bc).post("/v2/orders", json=_body(bc.shopper().id, default_currency_code="EUR"))
    # Then
    order = reply.json()
    assert reply.status_code == 200  # what the spec documents for a created order
    assert (order["default_currency_code"], order["store_default_currency_code"]) == ("EUR", "USD")


def test_a_shipment_needs_one_of_the_orders_addresses(bc: Bc) -> None:
    # Given an order with one address and one with none
    ada = bc.shopper()
    shipped = bc.renewal_order(ada, "k1")
    http = _http(bc)
    digital = http.post("/v2/orders", json=_body(ada.id)).json()
    [address] = http.get(f"/v2/orders/{shipped.id}/shipping_addresses").json()
    [line] = http.get(f"/v2/orders/{shipped.id}/products").json()
    items = [{"order_product_id": line["id"], "quantity": 1}]
    # When / Then no address id, a wrong one, an order without any: refused
    for order_id, address_id in ((shipped.id, None), (shipped.id, 999), (digital["id"], 1)):
        reply = http.post(
            f"/v2/orders/{order_id}/shipments",
            json={"order_address_id": address_id, "items": items},
        )
        assert reply.status_code == 400 and "order_address_id" in reply.json()[0]["message"]
    # And the order's own address ships
    ok = http.post(
        f"/v2/orders/{shipped.id}/shipments",
        json={"order_address_id": address["id"], "items": items},
    )
    assert ok.status_code == 201 and ok.json()["order_address_id"] == address["id"]


@pytest.fixture
def bc_contract_probe() -> None:
    """Marks a test that probes what the published schemas leave out (the contract guard then
    leaves its exchanges alone): the legacy consignment array, and an `include` it refuses."""


def test_consignments_come_as_an_object_only_when_asked_for(
    bc: Bc, bc_contract_probe: None
) -> None:
    # Given
    order = bc.renewal_order(bc.shopper())
    http = _http(bc)
    include = {"include": "consignments.line_items"}
    # When
    as_object = http.get(
        f"/v2/orders/{order.id}", params=include | {"consignment_structure": "object"}
    )
    as_list = http.get(f"/v2/orders/{order.id}", params=include)
    wrong = http.get(f"/v2/orders/{order.id}", params={"include": "everything"})
    # Then
    [consignment] = as_object.json()["consignments"]["shipping"]
    assert [line["product_id"] for line in consignment["line_items"]] == [BEANS]
    assert isinstance(as_list.json()["consignments"], list)
    assert wrong.status_code == 400


def test_accepted_methods_list_a_stored_paypal_account_under_its_own_method(bc: Bc) -> None:
    # Given a shopper whose stored instrument is a PayPal account
    pat = bc.emu.add_customer(STORE, email="p@example.com", instrument_type="stored_paypal_account")
    order = bc.renewal_order(pat)
    # When
    methods = bc.client.list_payment_methods(STORE, order.id)
    # Then only the PayPal method holds it
    holding = [(m.id, i.type) for m in methods for i in m.stored_instruments]
    assert holding == [("braintree.paypal", "stored_paypal_account")]
    # And paying it as a card is refused as an unknown instrument
    token = bc.client.create_payment_access_token(STORE, order.id)
    with pytest.raises(PaymentDeclined) as refused:
        bc.client.process_stored_payment(
            STORE, token, pat.instrument_token or "", "stripe.card", instrument_type="stored_card"
        )
    assert refused.value.code == 30051


def test_a_pending_payment_settles_into_a_transaction_and_its_webhook(bc: Bc) -> None:
    # Given a gateway that answers pending
    bc.emu.set_payment_answer(STORE, "pending")
    ada = bc.shopper()
    order = bc.renewal_order(ada)
    # When
    result = bc.charge(order.id, ada.instrument_token)
    pending = bc.client.list_order_transactions(STORE, order.id)
    bc.emu.settle_pending_payment(STORE, order.id)
    settled = bc.client.list_order_transactions(STORE, order.id)
    # Then
    assert result.status == "pending"
    assert [(t.event, t.status) for t in pending] == [("pending", "ok")]
    assert [(t.event, t.status) for t in settled][-1] == ("purchase", "ok")
    assert bc.client.get_order(STORE, order.id).status_id == 11


def test_order_metafields_are_found_by_namespace_and_key_and_not_duplicated(bc: Bc) -> None:
    # Given
    order = bc.renewal_order(bc.shopper())
    bc.client.tag_order(STORE, order.id, "bc_subscriptions", "bcsub-s1-c2", '{"cycle":2}')
    # When
    found = bc.client.find_orders_by_metafield(STORE, "bc_subscriptions", "bcsub-s1-c2")
    again = _http(bc).post(
        f"/v3/orders/{order.id}/metafields",
        json={
            "namespace": "bc_subscriptions",
            "key": "bcsub-s1-c2",
            "value": "x",
            "permission_set": "read",
        },
    )
    # Then
    assert found == [order.id]
    assert again.status_code == 409 and again.json()["status"] == 409


def test_a_store_whose_setup_refuses_payment_tokens_answers_with_its_code(bc: Bc) -> None:
    # Given
    bc.emu.refuse_payment_tokens(STORE, 30002)
    order = bc.renewal_order(bc.shopper())
    # When / Then
    with pytest.raises(PaymentDeclined) as refused:
        bc.client.create_payment_access_token(STORE, order.id)
    assert refused.value.code == 30002


def test_a_checkout_paying_in_a_currency_the_store_does_not_take_is_impossible(bc: Bc) -> None:
    # Given / When / Then a USD store cannot take euros until it enables them
    with pytest.raises(ValueError, match="not a transactional currency"):
        bc.emu.place_checkout_order(
            STORE,
            customer_id=bc.shopper().id,
            lines=[{"product_id": BEANS, "quantity": 1}],
            currency="EUR",
            status_id=11,
        )
