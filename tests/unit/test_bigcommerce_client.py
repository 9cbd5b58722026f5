"""The BigCommerce client over httpx.MockTransport: shapes, safe retries, rate limits, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import msgspec
import pytest

from bc_subscriptions.adapters.bigcommerce import HttpBigCommerce
from bc_subscriptions.ports.bigcommerce import (
    Address,
    BigCommerceError,
    BigCommerceUnavailable,
    MetafieldWrite,
    ModifierValue,
    NewOrder,
    NewOrderLine,
    NotFound,
    OutcomeUnknown,
    PaymentDeclined,
    RateLimited,
)

API = "https://api.bigcommerce.test"
PAYMENTS = "https://payments.bigcommerce.test"
TOKEN = "secret-token-abc"
Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Script:
    """A MockTransport answering from a list of replies (the last one repeats)."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        return reply(request) if callable(reply) else reply

    def client(self, max_attempts: int = 3) -> HttpBigCommerce:
        return HttpBigCommerce(
            api_url=API,
            payments_url=PAYMENTS,
            token_provider=lambda store_hash: TOKEN,
            transport=httpx.MockTransport(self),
            sleep=self.sleeps.append,
            max_attempts=max_attempts,
        )

    def body(self, n: int = -1) -> Any:
        return json.loads(self.requests[n].content)


def order_json(order_id: int = 7, **extra: Any) -> dict[str, Any]:
    return {"id": order_id, "customer_id": 3, "status_id": 0, "total_inc_tax": "20.0000", **extra}


def ok(body: Any = None, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def new_order() -> NewOrder:
    return NewOrder(
        customer_id=3,
        billing_address=Address(first_name="Ada", zip="78701"),
        products=[
            NewOrderLine(
                product_id=111,
                quantity=2,
                price_ex_tax=Decimal("10.5"),
                price_inc_tax=Decimal("12.60"),
            )
        ],
        external_source="bc-subscriptions",
        external_order_id="sub_1-2",
    )


# -- shapes -----------------------------------------------------------------------------------


def test_a_management_call_carries_the_store_token_and_parses_money_as_decimal() -> None:
    # Given BigCommerce answers a v2 order
    script = Script(ok(order_json()))
    # When we read it
    order = script.client().get_order("abc123", 7)
    # Then the call went to the store's v2 path with the token, and money is exact
    [request] = script.requests
    assert request.url == f"{API}/stores/abc123/v2/orders/7"
    assert request.headers["X-Auth-Token"] == TOKEN
    assert request.headers["Accept"] == "application/json"
    assert order.total_inc_tax == Decimal("20.0000")


def test_order_products_are_read_page_by_page_until_a_short_page() -> None:
    # Given 253 lines: a full page of 250, then 3
    def line(n: int) -> dict[str, Any]:
        return {
            "id": n,
            "order_id": 7,
            "product_id": 1,
            "quantity": 1,
            "price_ex_tax": "1.0000",
            "price_inc_tax": "1.0000",
        }

    script = Script(ok([line(n) for n in range(250)]), ok([line(n) for n in range(250, 253)]))
    # When
    lines = script.client().get_order_products("abc123", 7)
    # Then
    assert len(lines) == 253
    assert [r.url.params["page"] for r in script.requests] == ["1", "2"]
    assert {r.url.params["limit"] for r in script.requests} == {"250"}


@pytest.mark.parametrize("empty", [httpx.Response(204), ok([])])
def test_no_order_with_that_external_id_is_an_empty_list(empty: httpx.Response) -> None:
    # Given BigCommerce answers 204 (or an empty array)
    script = Script(empty)
    # When
    found = script.client().find_orders_by_external_id("abc123", "sub_1-2")
    # Then
    assert found == []
    assert script.requests[0].url.params["external_order_id"] == "sub_1-2"


def test_a_new_order_sends_line_prices_as_numbers_and_order_money_as_strings_without_nulls() -> (
    None
):
    # Given an order with shipping, in a currency, on a channel
    script = Script(ok(order_json(), status=201))
    order = msgspec.structs.replace(
        new_order(),
        shipping_cost_ex_tax=Decimal("5.00"),
        shipping_cost_inc_tax=Decimal("5.50"),
        default_currency_code="EUR",
        channel_id=2,
    )
    # When
    created = script.client().create_order("abc123", order)
    # Then prices are typed as the create-order schema types them
    body = script.body()
    assert body["products"][0]["price_inc_tax"] == 12.6
    assert body["products"][0]["price_ex_tax"] == 10.5
    assert (body["shipping_cost_ex_tax"], body["shipping_cost_inc_tax"]) == ("5.00", "5.50")
    assert (body["default_currency_code"], body["channel_id"]) == ("EUR", 2)
    assert "variant_id" not in body["products"][0] and "payment_method" not in body
    assert body["status_id"] == 0 and created.id == 7


def test_the_external_id_lookup_asks_for_incomplete_orders_too() -> None:
    # Given the default list leaves the Incomplete order out, the status_id=0 list has it
    script = Script(ok([order_json(9)]), httpx.Response(204))
    # When
    found = script.client().find_orders_by_external_id("abc123", "bcsub-s1-c2")
    # Then both lists were asked for, and the order was found
    first, second = script.requests
    assert first.url.params["status_id"] == "0"
    assert "status_id" not in second.url.params
    assert {first.url.params["external_order_id"], second.url.params["external_order_id"]} == {
        "bcsub-s1-c2"
    }
    assert [o.id for o in found] == [9]


def test_a_refused_payment_access_token_is_a_classified_decline() -> None:
    # Given BigCommerce refuses the token because the store has no gateway configured
    body = {"status": 422, "title": "No config", "type": "about:blank", "code": 30000}
    script = Script(httpx.Response(422, json=body))
    # When / Then
    with pytest.raises(PaymentDeclined) as refused:
        script.client().create_payment_access_token("abc123", 7)
    assert refused.value.code == 30000 and refused.value.status == 422


def test_an_order_is_read_with_its_consignments_in_one_call() -> None:
    # Given an order shipping to two addresses, one line each
    line = {
        "order_id": 7,
        "product_id": 111,
        "quantity": 1,
        "price_ex_tax": "5",
        "price_inc_tax": "5",
    }
    consignments = {
        "shipping": [
            {
                "id": 31,
                "zip": "1",
                "shipping_method": "Flat",
                "cost_inc_tax": 4.5,
                "line_items": [line | {"id": 2}],
            },
            {"id": 32, "zip": "2", "line_items": [line | {"id": 1}]},
        ],
        "downloads": [],
        "pickups": [],
        "email": {"gift_certificates": []},
    }
    script = Script(ok(order_json(consignments=consignments)))
    # When
    order = script.client().get_order_with_consignments("abc123", 7)
    # Then one request asked for the object structure, and every line and address came back
    [request] = script.requests
    assert request.url.params["include"] == "consignments.line_items"
    assert request.url.params["consignment_structure"] == "object"
    assert [line.id for line in order.lines] == [1, 2]
    assert [c.id for c in order.consignments.shipping] == [31, 32]
    assert order.consignments.shipping[0].cost_inc_tax == Decimal("4.5")


def test_a_payment_access_token_is_asked_for_a_recurring_charge() -> None:
    # Given
    script = Script(ok({"data": {"id": "eyJ.pat"}, "meta": {}}, status=201))
    # When
    pat = script.client().create_payment_access_token("abc123", 7)
    # Then
    assert pat == "eyJ.pat"
    assert script.requests[0].url.path == "/stores/abc123/v3/payments/access_tokens"
    assert script.body() == {"order": {"id": 7, "is_recurring": True}}


@pytest.mark.parametrize(
    "answer",
    [
        {"data": {"id": "p1", "transaction_type": "purchase", "status": "success"}},
        {"id": "p1", "transaction_type": "purchase", "status": "success"},
    ],
)
def test_a_stored_card_payment_uses_the_pat_on_the_payments_host(answer: dict[str, Any]) -> None:
    # Given the payments host answers in the new (data) or the old (bare) shape
    script = Script(ok(answer, status=201))
    # When
    result = script.client().process_stored_payment(
        "abc123", "PAT1", "tok", "stripe.card", instrument_type="stored_card"
    )
    # Then
    [request] = script.requests
    assert str(request.url) == f"{PAYMENTS}/stores/abc123/payments"
    assert request.headers["Authorization"] == "PAT PAT1"
    assert request.headers["Accept"] == "application/vnd.bc.v1+json"
    assert "X-Auth-Token" not in request.headers
    assert script.body() == {
        "payment": {
            "instrument": {"type": "stored_card", "token": "tok"},
            "payment_method_id": "stripe.card",
        }
    }
    assert (result.id, result.transaction_type) == ("p1", "purchase")


def test_transactions_unwrap_data_and_a_204_means_none() -> None:
    # Given one order with a transaction and one without
    tx = {"id": 1, "order_id": "7", "event": "purchase", "status": "ok", "amount": 20.0}
    script = Script(ok({"data": [tx], "meta": {}}), httpx.Response(204))
    client = script.client()
    # When
    found, none = (
        client.list_order_transactions("abc123", 7),
        client.list_order_transactions("abc123", 8),
    )
    # Then
    assert [t.amount for t in found] == [Decimal("20.0")] and none == []


def test_stored_instruments_are_a_bare_array() -> None:
    # Given
    script = Script(ok([{"type": "stored_card", "token": "tok", "is_default": True}]))
    # When
    [card] = script.client().list_stored_instruments("abc123", 3)
    # Then
    assert (card.token, card.is_default) == ("tok", True)
    assert script.requests[0].url.path == "/stores/abc123/v3/customers/3/stored-instruments"


def test_webhooks_are_created_active_listed_and_updated_in_the_data_envelope() -> None:
    # Given
    hook = {"id": 5, "scope": "store/order/created", "destination": "https://x", "is_active": True}
    script = Script(ok({"data": hook}), ok({"data": [hook]}), ok({"data": hook}))
    client = script.client()
    # When
    created = client.create_webhook("abc123", "store/order/created", "https://x", {"X-S": "1"})
    listed = client.list_webhooks("abc123")
    client.update_webhook("abc123", 5, {"X-S": "2"})
    # Then
    assert script.body(0) == {
        "scope": "store/order/created",
        "destination": "https://x",
        "is_active": True,
        "headers": {"X-S": "1"},
    }
    assert created.id == 5 and [h.id for h in listed] == [5]
    assert (script.requests[2].method, script.requests[2].url.path) == (
        "PUT",
        "/stores/abc123/v3/hooks/5",
    )
    assert script.body(2) == {"is_active": True, "headers": {"X-S": "2"}}


def test_one_http_client_is_created_on_first_use_and_reused() -> None:
    # Given a client that has not called anything yet
    script = Script(ok(order_json()))
    client = script.client()
    assert client.session._client is None
    # When it makes two calls
    client.get_order("abc123", 7)
    first = client.session.client
    client.get_order("abc123", 7)
    # Then both went through the same httpx.Client
    assert client.session.client is first and len(script.requests) == 2


# -- errors -----------------------------------------------------------------------------------


def decline(status: int, body: Any) -> httpx.Response:
    return httpx.Response(status, json=body)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"status": 422, "title": "Payment was declined", "code": 30104, "errors": {}}, 30104),
        ({"status": 422, "title": "Declined", "errors": [{"code": 30106}]}, 30106),
    ],
)
def test_a_payment_refusal_with_a_code_is_a_decline_carrying_that_code(
    body: dict[str, Any], code: int
) -> None:
    # Given the payments host refuses the charge
    script = Script(decline(422, body))
    # When / Then
    with pytest.raises(PaymentDeclined) as raised:
        script.client().process_stored_payment(
            "abc123", "PAT1", "tok", "stripe.card", instrument_type="stored_card"
        )
    assert (raised.value.status, raised.value.code) == (422, code)
    assert len(script.requests) == 1


def test_a_payment_refusal_without_a_code_is_not_mistaken_for_a_decline() -> None:
    # Given an expired payment access token
    script = Script(decline(401, {"status": 401, "title": "Unauthorized"}))
    # When / Then
    with pytest.raises(BigCommerceError) as raised:
        script.client().process_stored_payment(
            "abc123", "PAT1", "tok", "stripe.card", instrument_type="stored_card"
        )
    assert not isinstance(raised.value, PaymentDeclined)
    assert raised.value.status == 401


def test_a_missing_order_is_not_found() -> None:
    # Given
    script = Script(
        decline(404, [{"status": 404, "message": "The requested resource was not found."}])
    )
    # When / Then
    with pytest.raises(NotFound):
        script.client().get_order("abc123", 404)


def test_a_refused_management_call_keeps_status_and_code_and_is_not_retried() -> None:
    # Given v2's error list
    script = Script(decline(400, [{"status": 400, "message": "The field 'zip' is invalid."}]))
    # When / Then
    with pytest.raises(BigCommerceError) as raised:
        script.client().create_order("abc123", new_order())
    assert type(raised.value) is BigCommerceError
    assert (raised.value.status, raised.value.code) == (400, None)
    assert "zip" in str(raised.value) and len(script.requests) == 1


def test_error_messages_never_carry_the_token_or_the_query_string() -> None:
    # Given a failing read with a query string
    script = Script(httpx.Response(503))
    # When
    with pytest.raises(BigCommerceUnavailable) as raised:
        script.client().find_orders_by_external_id("abc123", "sub_secret-cycle")
    # Then
    assert TOKEN not in str(raised.value) and "sub_secret" not in str(raised.value)
    assert "GET /stores/abc123/v2/orders" in str(raised.value)


def test_a_write_answered_with_an_unreadable_body_has_an_unknown_outcome() -> None:
    # Given BigCommerce created the order but the body is not an order
    script = Script(httpx.Response(201, text="<html>proxy</html>"))
    # When / Then
    with pytest.raises(OutcomeUnknown):
        script.client().create_order("abc123", new_order())


# -- retries ----------------------------------------------------------------------------------


def test_a_read_that_fails_with_5xx_is_retried_after_a_backoff() -> None:
    # Given one 502, then the order
    script = Script(httpx.Response(502), ok(order_json()))
    # When
    order = script.client().get_order("abc123", 7)
    # Then
    assert order.id == 7 and len(script.requests) == 2
    assert len(script.sleeps) == 1 and 0 < script.sleeps[0] <= 4.25


def test_a_read_whose_answer_is_lost_is_retried() -> None:
    # Given a read timeout, then the order
    script = Script(httpx.ReadTimeout("slow"), ok(order_json()))
    # When
    order = script.client().get_order("abc123", 7)
    # Then
    assert order.id == 7 and len(script.requests) == 2


def test_a_read_that_keeps_failing_gives_up_as_unavailable_after_max_attempts() -> None:
    # Given BigCommerce answers 500 every time
    script = Script(httpx.Response(500))
    # When
    with pytest.raises(BigCommerceUnavailable) as raised:
        script.client(max_attempts=4).list_order_transactions("abc123", 7)
    # Then: nothing was changed by a read, so the outcome is not "unknown"
    assert not isinstance(raised.value, OutcomeUnknown)
    assert raised.value.status == 500
    assert len(script.requests) == 4 and len(script.sleeps) == 3
    assert all(0 < wait <= 4.25 for wait in script.sleeps)


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(500),
        httpx.Response(502),
        httpx.ReadTimeout("lost"),
        httpx.WriteTimeout("lost"),
        httpx.RemoteProtocolError("lost"),
    ],
)
def test_a_write_that_may_have_been_applied_is_never_retried(failure: Reply) -> None:
    # Given BigCommerce fails a write after receiving it
    script = Script(failure, ok(order_json(), status=201))
    # When / Then: the caller must read BigCommerce before trying again
    with pytest.raises(OutcomeUnknown) as raised:
        script.client().create_order("abc123", new_order())
    assert len(script.requests) == 1 and script.sleeps == []
    if isinstance(failure, Exception):
        assert raised.value.__cause__ is failure


@pytest.mark.parametrize("failure", [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow")])
def test_a_write_that_never_reached_bigcommerce_is_retried_then_unavailable(
    failure: Exception,
) -> None:
    # Given the connection cannot be made
    script = Script(failure)
    # When
    with pytest.raises(BigCommerceUnavailable) as raised:
        script.client().create_payment_access_token("abc123", 7)
    # Then: nothing was sent, so every attempt was safe
    assert len(script.requests) == 3
    assert raised.value.__cause__ is failure


def test_a_write_that_connects_on_the_second_try_succeeds() -> None:
    # Given
    script = Script(httpx.ConnectError("refused"), ok({"data": {"id": "pat"}}, status=201))
    # When / Then
    assert script.client().create_payment_access_token("abc123", 7) == "pat"


# -- rate limits ------------------------------------------------------------------------------


def test_a_429_is_retried_for_a_write_after_the_longer_of_the_two_waits() -> None:
    # Given a 429 whose reset time is shorter than its X-Retry-After
    limited = httpx.Response(
        429, headers={"X-Rate-Limit-Time-Reset-Ms": "400", "X-Retry-After": "2"}
    )
    script = Script(limited, ok(order_json(), status=201))
    # When
    order = script.client().create_order("abc123", new_order())
    # Then: nothing was applied by the 429, so the write was repeated after 2 s
    assert order.id == 7 and len(script.requests) == 2
    assert script.sleeps == [2.0]


def test_a_429_without_headers_backs_off() -> None:
    # Given BigCommerce under load answers 429 without rate-limit headers
    script = Script(httpx.Response(429), ok(order_json()))
    # When
    script.client().get_order("abc123", 7)
    # Then
    assert len(script.sleeps) == 1 and 0 < script.sleeps[0] <= 4.25


def test_a_429_that_outlasts_the_attempts_is_rate_limited_with_the_wait() -> None:
    # Given
    script = Script(httpx.Response(429, headers={"X-Rate-Limit-Time-Reset-Ms": "1500"}))
    # When
    with pytest.raises(RateLimited) as raised:
        script.client().process_stored_payment(
            "abc123", "PAT1", "tok", "stripe.card", instrument_type="stored_card"
        )
    # Then
    assert raised.value.retry_after_ms == 1500 and raised.value.status == 429
    assert len(script.requests) == 3 and script.sleeps == [1.5, 1.5]


def test_a_nearly_spent_quota_makes_the_next_call_to_that_store_wait_for_the_reset() -> None:
    # Given BigCommerce said only one request is left for 80 ms
    spent = ok(
        order_json(), **{"X-Rate-Limit-Requests-Left": "1", "X-Rate-Limit-Time-Reset-Ms": "80"}
    )
    script = Script(spent, ok(order_json()))
    client = script.client()
    client.get_order("abc123", 7)
    # When another store is called, then the same store
    client.get_order("other", 7)
    other_waits = list(script.sleeps)
    client.get_order("abc123", 7)
    # Then only the nearly spent store waited, for at most the reset time
    assert other_waits == []
    assert len(script.sleeps) == 1 and 0 < script.sleeps[0] <= 0.08


def test_an_answer_with_quota_to_spare_clears_the_wait() -> None:
    # Given a nearly spent quota followed by a fresh window
    fresh = {"X-Rate-Limit-Requests-Left": "140", "X-Rate-Limit-Time-Reset-Ms": "30000"}
    spent = {"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "20"}
    script = Script(ok(order_json(), **spent), ok(order_json(), **fresh), ok(order_json()))
    client = script.client()
    client.get_order("abc123", 7)
    client.get_order("abc123", 7)  # waits once, then learns the window is fresh
    # When
    client.get_order("abc123", 7)
    # Then
    assert len(script.sleeps) == 1


def _variant(variant_id: int) -> dict[str, Any]:
    return {"id": variant_id, "product_id": 111, "calculated_price": 12.5}


def _page(items: list[Any], current: int, total_pages: int) -> httpx.Response:
    pagination = {"current_page": current, "total_pages": total_pages, "count": len(items)}
    return ok({"data": items, "meta": {"pagination": pagination}})


def test_variants_are_read_page_by_page_to_the_last_page() -> None:
    # Given three pages of variants
    script = Script(
        _page([_variant(1), _variant(2)], 1, 3),
        _page([_variant(3)], 2, 3),
        _page([_variant(4)], 3, 3),
    )
    # When
    variants = script.client().get_product_variants("abc123", 111)
    # Then every page was asked for, at the largest page size
    assert [v.id for v in variants] == [1, 2, 3, 4]
    assert [(r.url.params["page"], r.url.params["limit"]) for r in script.requests] == [
        ("1", "250"),
        ("2", "250"),
        ("3", "250"),
    ]


def test_a_modifier_update_carries_type_required_and_the_ids_of_kept_values() -> None:
    # Given
    modifier = {"id": 5, "product_id": 111, "display_name": "Subscription", "type": "dropdown"}
    script = Script(ok({"data": modifier}))
    disabled = {"purchasing_disabled": {"status": True, "message": "Gone"}}
    values = [
        ModifierValue(id=31, label="Monthly", sort_order=0, is_default=True),
        ModifierValue(label="Yearly", sort_order=1),
        ModifierValue(id=30, label="Weekly", sort_order=2, adjusters=disabled),
    ]
    # When
    script.client().put_dropdown_modifier("abc123", 111, "Subscription", values, 5)
    # Then
    body = script.body()
    assert script.requests[0].url.path == "/stores/abc123/v3/catalog/products/111/modifiers/5"
    assert (body["type"], body["required"], body["display_name"]) == (
        "dropdown",
        True,
        "Subscription",
    )
    assert [(v.get("id"), v["label"], v["sort_order"]) for v in body["option_values"]] == [
        (31, "Monthly", 0),
        (None, "Yearly", 1),
        (30, "Weekly", 2),
    ]
    assert (
        body["option_values"][2]["adjusters"]["purchasing_disabled"]
        == disabled["purchasing_disabled"]
    )
    assert body["option_values"][0]["adjusters"]["purchasing_disabled"]["status"] is False


def test_a_metafield_update_sends_every_required_field() -> None:
    # Given
    field = {"id": 8, "namespace": "n", "key": "k", "value": "v", "resource_id": 111}
    script = Script(ok({"data": field}))
    write = MetafieldWrite(namespace="n", key="k", value="v", permission_set="read")
    # When
    script.client().put_product_metafield("abc123", 111, write, 8)
    # Then
    assert (script.requests[0].method, script.requests[0].url.path) == (
        "PUT",
        "/stores/abc123/v3/catalog/products/111/metafields/8",
    )
    assert script.body() == {"namespace": "n", "key": "k", "value": "v", "permission_set": "read"}


def test_a_store_near_its_low_water_mark_waits_for_the_reset_and_its_quota_is_remembered() -> None:
    # Given a Pro store with 23 of 450 requests left (a twentieth of its quota)
    low = {
        "X-Rate-Limit-Requests-Left": "23",
        "X-Rate-Limit-Requests-Quota": "450",
        "X-Rate-Limit-Time-Reset-Ms": "900",
    }
    script = Script(ok(order_json(), **low), ok(order_json()))
    client = script.client()
    client.get_order("abc123", 7)
    # When the store is called again
    client.get_order("abc123", 7)
    # Then the call waited for the reset, and the store's quota is known
    assert len(script.sleeps) == 1 and 0 < script.sleeps[0] <= 0.9
    assert client.rest_quota("abc123") == 450 and client.rest_quota("other") is None


def test_a_store_above_its_low_water_mark_is_called_at_once() -> None:
    # Given 24 of 450 left
    spare = {
        "X-Rate-Limit-Requests-Left": "24",
        "X-Rate-Limit-Requests-Quota": "450",
        "X-Rate-Limit-Time-Reset-Ms": "900",
    }
    script = Script(ok(order_json(), **spare), ok(order_json()))
    client = script.client()
    client.get_order("abc123", 7)
    # When
    client.get_order("abc123", 7)
    # Then
    assert script.sleeps == []
