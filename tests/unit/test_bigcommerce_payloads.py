"""What we send BigCommerce byte for byte, and which answers we read or refuse."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bc_subscriptions.adapters.bigcommerce import HttpBigCommerce
from bc_subscriptions.adapters.bigcommerce.oauth import HttpOAuthClient
from bc_subscriptions.ports.bigcommerce import (
    Address,
    BigCommerceError,
    NewOrder,
    NewOrderLine,
    OutcomeUnknown,
    ShippingAddress,
)

API = "https://api.bigcommerce.test"
JSON = {"Content-Type": "application/json"}


class Recorder:
    """A MockTransport giving one answer to every request and keeping the requests."""

    def __init__(self, answer: httpx.Response) -> None:
        self.answer, self.requests = answer, list[httpx.Request]()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer

    def client(self) -> HttpBigCommerce:
        return HttpBigCommerce(
            api_url=API,
            payments_url="https://payments.bigcommerce.test",
            token_provider=lambda store_hash: "token",
            transport=httpx.MockTransport(self),
            max_attempts=1,
        )


def _order(**money: Any) -> dict[str, Any]:
    return {"id": 7, "customer_id": 3, "status_id": 0, **money}


def test_a_renewal_order_body_is_sent_exactly_as_the_create_order_schema_types_it() -> None:
    # Given an order with every kind of field: unset ones, a line option with a null value,
    # decimal money with trailing zeros and prices the schema types as numbers
    recorder = Recorder(httpx.Response(201, json=_order()))
    order = NewOrder(
        customer_id=3,
        billing_address=Address(first_name="Ada", zip="78701", country_iso2="US"),
        shipping_addresses=[
            ShippingAddress(first_name="Ada", zip="78701", shipping_method="Flat Rate")
        ],
        products=[
            NewOrderLine(
                product_id=111,
                variant_id=77,
                quantity=2,
                price_ex_tax=Decimal("10.5000"),
                price_inc_tax=Decimal("12.60"),
                product_options=[{"id": 4, "value": "10", "note": None}],
            ),
            NewOrderLine(
                product_id=112, quantity=1, price_ex_tax=Decimal("0"), price_inc_tax=Decimal("0")
            ),
        ],
        external_source="bc-subscriptions",
        external_order_id="sub_1-2",
        default_currency_code="EUR",
        channel_id=2,
        shipping_cost_ex_tax=Decimal("5.00"),
        shipping_cost_inc_tax=Decimal("5.5000"),
        staff_notes="Renewal 2",
    )
    # When
    recorder.client().create_order("abc123", order)
    # Then unset fields are left out (a null inside a line's options is not ours to drop),
    # order money keeps its digits as strings and line prices are numbers
    address = '"last_name":"","company":"","street_1":"","street_2":"","city":"","state":""'
    assert recorder.requests[0].content.decode() == (
        '{"customer_id":3,"status_id":0,'
        f'"billing_address":{{"first_name":"Ada",{address},"zip":"78701","country":"",'
        '"country_iso2":"US","phone":"","email":""},'
        f'"shipping_addresses":[{{"first_name":"Ada",{address},"zip":"78701","country":"",'
        '"country_iso2":"","phone":"","email":"","shipping_method":"Flat Rate"}],'
        '"products":[{"product_id":111,"variant_id":77,"quantity":2,"price_ex_tax":10.5,'
        '"price_inc_tax":12.6,"product_options":[{"id":4,"value":"10","note":null}]},'
        '{"product_id":112,"quantity":1,"price_ex_tax":0.0,"price_inc_tax":0.0,'
        '"product_options":[]}],'
        '"external_source":"bc-subscriptions","external_order_id":"sub_1-2",'
        '"default_currency_code":"EUR","channel_id":2,'
        '"shipping_cost_ex_tax":"5.00","shipping_cost_inc_tax":"5.5000","staff_notes":"Renewal 2"}'
    )


def test_numbers_and_booleans_sent_as_strings_are_read() -> None:
    # Given an order whose ids and money arrive as strings, and a number as money
    answer = _order(status_id="11", channel_id="2", total_inc_tax=20.5, subtotal_inc_tax="9")
    recorder = Recorder(httpx.Response(200, json=answer))
    # When
    order = recorder.client().get_order("abc123", 7)
    # Then
    assert (order.status_id, order.channel_id) == (11, 2)
    assert (order.total_inc_tax, order.subtotal_inc_tax) == (Decimal("20.5"), Decimal("9"))


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN", math.nan, math.inf])
def test_money_that_is_not_a_finite_amount_is_an_unreadable_answer(amount: object) -> None:
    # Given BigCommerce answers an order, a line and a transaction with such an amount
    reads = {
        "get_order": (_order(total_inc_tax=amount), lambda c: c.get_order("abc123", 7)),
        "get_order_products": (
            [
                {
                    "id": 1,
                    "order_id": 7,
                    "product_id": 1,
                    "quantity": 1,
                    "price_ex_tax": "1.00",
                    "price_inc_tax": amount,
                }
            ],
            lambda c: c.get_order_products("abc123", 7),
        ),
        "list_order_transactions": (
            {
                "data": [
                    {
                        "id": 1,
                        "order_id": "7",
                        "event": "purchase",
                        "status": "ok",
                        "amount": amount,
                    }
                ]
            },
            lambda c: c.list_order_transactions("abc123", 7),
        ),
    }
    for name, (answer, read) in reads.items():
        # Python's own encoder, as httpx's refuses NaN and Infinity.
        body = json.dumps(answer).encode()
        recorder = Recorder(httpx.Response(200, content=body, headers=JSON))
        # When / Then it is refused like any other unexpected shape, not read as money
        with pytest.raises(BigCommerceError, match="unexpected"):
            read(recorder.client())
        assert recorder.requests, name


def test_a_write_answered_with_non_finite_money_has_an_unknown_outcome() -> None:
    # Given BigCommerce changed the status but answers an order with no real total
    recorder = Recorder(httpx.Response(200, json=_order(total_inc_tax="NaN")))
    # When / Then
    with pytest.raises(OutcomeUnknown):
        recorder.client().update_order_status("abc123", 7, 11)


def _exchange(answer: httpx.Response) -> Any:
    client = HttpOAuthClient(
        login_url="https://login.bigcommerce.test",
        client_id="id",
        client_secret="secret",
        redirect_uri="https://app.test/auth",
        transport=httpx.MockTransport(lambda request: answer),
    )
    return client.exchange_code("code", "store_v2_orders", "stores/abc")


def test_the_code_exchange_reads_the_grant_and_its_user() -> None:
    # Given the login host's answer, with fields we do not use
    answer = {
        "access_token": "tok",
        "scope": "store_v2_orders",
        "context": "stores/abc",
        "user": {"id": "5", "email": "owner@example.test", "username": "owner"},
        "account_uuid": "x",
    }
    # When
    grant = _exchange(httpx.Response(200, json=answer))
    # Then
    assert (grant.access_token, grant.context) == ("tok", "stores/abc")
    assert grant.user is not None and (grant.user.id, grant.user.email) == (5, "owner@example.test")


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="<html>login</html>"),
        httpx.Response(200, json={"scope": "store_v2_orders", "context": "stores/abc"}),
        httpx.Response(200, json=["tok"]),
    ],
    ids=["not JSON", "no token", "not an object"],
)
def test_an_unreadable_code_exchange_answer_is_a_bigcommerce_error(answer: httpx.Response) -> None:
    # Given / When / Then
    with pytest.raises(BigCommerceError, match="unexpected answer"):
        _exchange(answer)
