"""The BigCommerce client against the emulator: real shapes, payments, faults and webhooks."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook

from bc_subscriptions.adapters.bigcommerce import HttpBigCommerce
from bc_subscriptions.ports.bigcommerce import (
    Address,
    BigCommerceError,
    NewOrder,
    NewOrderLine,
    OutcomeUnknown,
    PaymentDeclined,
    RateLimited,
    ShippingAddress,
)
from bc_subscriptions.services.customer_jwt import verify_customer_jwt
from bc_subscriptions.services.signed_payload import verify_signed_payload
from devstack.bc_emulator import BigCommerceEmulator, Customer, serve_in_thread

STORE, TOKEN, SECRET = "abc123", "store-token", "demo-secret"
HOOK = "https://bcs.example.test/webhooks/bigcommerce/order-created"
BEANS, MUG = 111, 222


class Bc:
    """The emulator with one store, and our client wired to it in-process."""

    def __init__(self, gateway_mode: str = "purchase") -> None:
        self.emu = BigCommerceEmulator(client_id="demo-client", client_secret=SECRET)
        self.emu.create_store(STORE, access_token=TOKEN, gateway_mode=gateway_mode)
        self.emu.add_product(STORE, product_id=BEANS, name="Beans", price=Decimal("12.50"))
        self.emu.add_product(STORE, product_id=MUG, name="Mug", price=Decimal("8.00"))
        self.sleeps: list[float] = []
        self.client = self.connect(self.emu.transport())

    def connect(self, transport: httpx.BaseTransport | None, url: str = "https://bc.test") -> Any:
        return HttpBigCommerce(
            api_url=url,
            payments_url=url,
            token_provider=lambda store_hash: TOKEN,
            transport=transport,
            sleep=self.sleeps.append,
        )

    def shopper(self, card: str | None = "ok") -> Customer:
        return self.emu.add_customer(STORE, email="ada@example.com", first_name="Ada", card=card)

    def renewal_order(self, customer: Customer, key: str = "sub_1-2") -> Any:
        return self.client.create_order(STORE, renewal(customer.id, key))

    def charge(self, order_id: int, token: str | None) -> Any:
        pat = self.client.create_payment_access_token(STORE, order_id)
        return self.client.process_stored_payment(
            STORE, pat, token or "", "stripe.card", instrument_type="stored_card"
        )


def renewal(customer_id: int, key: str = "sub_1-2", product_id: int = BEANS) -> NewOrder:
    return NewOrder(
        customer_id=customer_id,
        billing_address=Address(first_name="Ada", zip="78701", country_iso2="US"),
        shipping_addresses=[ShippingAddress(first_name="Ada", zip="78701")],
        products=[
            NewOrderLine(
                product_id=product_id,
                quantity=2,
                price_ex_tax=Decimal("11.25"),
                price_inc_tax=Decimal("11.25"),
                product_options=[{"id": 9, "value": "30"}],
            )
        ],
        external_source="bc-subscriptions",
        external_order_id=key,
    )


def verify(delivery: Any) -> dict[str, Any]:
    """What a receiver does: Standard Webhooks verification keyed by the app's client secret."""
    key = base64.b64encode(SECRET.encode()).decode()
    payload: dict[str, Any] = Webhook(key).verify(delivery.body, delivery.headers)
    return payload


@pytest.fixture
def bc() -> Bc:
    return Bc()


# -- checkout orders --------------------------------------------------------------------------


def test_a_checkout_order_reads_back_paid_with_the_saved_card_on_its_transaction(bc: Bc) -> None:
    # Given a shopper with a saved card checks out two bags of beans
    ada = bc.shopper()
    options = [
        {"option_id": 9, "display_name": "Deliver every", "display_value": "Month", "value": "30"}
    ]
    placed = bc.emu.place_checkout_order(
        STORE,
        customer_id=ada.id,
        lines=[{"product_id": BEANS, "quantity": 2, "product_options": options}],
    )
    # When we read it through the API
    order = bc.client.get_order(STORE, placed["id"])
    [line] = bc.client.get_order_products(STORE, placed["id"])
    [tx] = bc.client.list_order_transactions(STORE, placed["id"])
    [card] = bc.client.list_stored_instruments(STORE, ada.id)
    # Then it is paid, priced from the catalog, and the transaction names the stored card
    assert (order.status_id, order.status, order.payment_status) == (
        11,
        "Awaiting Fulfillment",
        "captured",
    )
    assert order.total_inc_tax == Decimal("25.0000") and placed["total_inc_tax"] == "25.0000"
    assert placed["order_source"] == "www"
    assert (line.quantity, line.price_inc_tax, line.product_options[0].display_value) == (
        2,
        Decimal("12.50"),
        "Month",
    )
    assert (tx.event, tx.status, tx.gateway, tx.payment_method_id) == (
        "purchase",
        "ok",
        "stripe",
        "stripe.card",
    )
    assert tx.payment_instrument_token == ada.instrument_token == card.token


def test_a_checkout_without_saving_the_card_has_no_instrument_token(bc: Bc) -> None:
    # Given / When
    placed = bc.emu.place_checkout_order(
        STORE,
        customer_id=bc.shopper().id,
        lines=[{"product_id": MUG, "quantity": 1}],
        save_card=False,
    )
    # Then
    [tx] = bc.client.list_order_transactions(STORE, placed["id"])
    assert tx.payment_instrument_token is None


def test_a_shopper_without_a_card_has_no_stored_instruments_and_no_token(bc: Bc) -> None:
    # Given / When
    guest = bc.shopper(card=None)
    # Then
    assert guest.instrument_token is None
    assert bc.client.list_stored_instruments(STORE, guest.id) == []


# -- renewal orders and payments --------------------------------------------------------------


def test_a_renewal_order_is_created_incomplete_found_by_its_key_and_charged(bc: Bc) -> None:
    # Given a shopper with a stored card
    ada = bc.shopper()
    # When we create the renewal order and charge the card with a payment access token
    order = bc.renewal_order(ada)
    found = bc.client.find_orders_by_external_id(STORE, "sub_1-2")
    result = bc.charge(order.id, ada.instrument_token)
    # Then the order was created at status 0 with locked prices, and the payment captured it
    assert (order.status_id, order.total_inc_tax, order.external_source) == (
        0,
        Decimal("22.5"),
        "bc-subscriptions",
    )
    assert [o.id for o in found] == [order.id]
    assert (result.transaction_type, result.status) == ("purchase", "success")
    paid = bc.client.get_order(STORE, order.id)
    assert (paid.status_id, paid.payment_status) == (11, "captured")
    [tx] = bc.client.list_order_transactions(STORE, order.id)
    assert (tx.event, tx.status, tx.amount) == ("purchase", "ok", Decimal("22.5"))
    # Each call reached BigCommerce once (the look-up asks the Incomplete list and the default
    # one): no retries on the happy path
    assert [m for m, _ in bc.emu.calls] == ["POST", "GET", "GET", "POST", "POST", "GET", "GET"]


def test_an_api_order_keeps_its_shipping_address_and_option_labels(bc: Bc) -> None:
    # Given an earlier checkout taught the store the option's labels
    ada = bc.shopper()
    options = [
        {"option_id": 9, "display_name": "Deliver every", "display_value": "Month", "value": "30"}
    ]
    bc.emu.place_checkout_order(
        STORE,
        customer_id=ada.id,
        lines=[{"product_id": BEANS, "quantity": 1, "product_options": options}],
    )
    # When a renewal sends the option back as BigCommerce takes it ({id, value})
    order = bc.renewal_order(ada)
    # Then
    [line] = bc.client.get_order_products(STORE, order.id)
    assert [
        (o.product_option_id, o.display_name, o.display_value) for o in line.product_options
    ] == [(9, "Deliver every", "Month")]
    raw = httpx.Client(transport=bc.emu.transport()).get(
        f"https://bc.test/stores/{STORE}/v2/orders/{order.id}/shipping_addresses",
        headers={"X-Auth-Token": TOKEN},
    )
    assert raw.json()[0]["zip"] == "78701"


def test_an_authorize_only_gateway_answers_authorization(bc: Bc) -> None:
    # Given a store whose gateway only authorizes
    bc = Bc(gateway_mode="authorization")
    ada = bc.shopper()
    order = bc.renewal_order(ada)
    # When
    result = bc.charge(order.id, ada.instrument_token)
    # Then
    assert result.transaction_type == "authorization"
    assert bc.client.get_order(STORE, order.id).payment_status == "authorized"
    assert bc.client.list_order_transactions(STORE, order.id)[0].event == "authorization"


@pytest.mark.parametrize(
    ("behavior", "code"),
    [("decline", 30104), ("insufficient_funds", 30106), ("expired", 30103), ("duplicate", 30105)],
)
def test_a_declined_card_leaves_the_order_incomplete_with_an_error_transaction(
    bc: Bc, behavior: str, code: int
) -> None:
    # Given a card that declines
    ada = bc.shopper()
    assert ada.instrument_token is not None
    bc.emu.set_card_behavior(STORE, ada.instrument_token, behavior)
    order = bc.renewal_order(ada)
    # When
    with pytest.raises(PaymentDeclined) as raised:
        bc.charge(order.id, ada.instrument_token)
    # Then
    assert (raised.value.status, raised.value.code) == (422, code)
    assert bc.client.get_order(STORE, order.id).status_id == 0
    [tx] = bc.client.list_order_transactions(STORE, order.id)
    assert tx.status == "error"


def test_a_recovered_card_pays_the_same_order_with_a_fresh_token(bc: Bc) -> None:
    # Given a decline on the renewal order
    ada = bc.shopper(card="insufficient_funds")
    order = bc.renewal_order(ada)
    with pytest.raises(PaymentDeclined):
        bc.charge(order.id, ada.instrument_token)
    # When the card works again and we retry with a new PAT
    assert ada.instrument_token is not None
    bc.emu.set_card_behavior(STORE, ada.instrument_token, "ok")
    result = bc.charge(order.id, ada.instrument_token)
    # Then
    assert result.status == "success"
    assert [t.status for t in bc.client.list_order_transactions(STORE, order.id)] == ["error", "ok"]


def test_a_payment_access_token_works_once(bc: Bc) -> None:
    # Given a declined attempt spent its token
    ada = bc.shopper(card="decline")
    order = bc.renewal_order(ada)
    pat = bc.client.create_payment_access_token(STORE, order.id)
    with pytest.raises(PaymentDeclined):
        bc.client.process_stored_payment(
            STORE, pat, ada.instrument_token or "", "stripe.card", instrument_type="stored_card"
        )
    # When the same token is used again
    with pytest.raises(BigCommerceError) as raised:
        bc.client.process_stored_payment(
            STORE, pat, ada.instrument_token or "", "stripe.card", instrument_type="stored_card"
        )
    # Then it is refused without a decline code
    assert raised.value.status == 422 and not isinstance(raised.value, PaymentDeclined)


def test_a_paid_order_cannot_get_another_payment_access_token(bc: Bc) -> None:
    # Given a paid renewal order
    ada = bc.shopper()
    order = bc.renewal_order(ada)
    bc.charge(order.id, ada.instrument_token)
    # When / Then: 30101, the order is no longer Incomplete
    with pytest.raises(BigCommerceError) as raised:
        bc.client.create_payment_access_token(STORE, order.id)
    assert (raised.value.status, raised.value.code) == (422, 30101)


def test_another_shoppers_card_is_not_found(bc: Bc) -> None:
    # Given Ada's renewal order and Bob's card
    ada, bob = bc.shopper(), bc.shopper()
    order = bc.renewal_order(ada)
    # When / Then
    with pytest.raises(PaymentDeclined) as raised:
        bc.charge(order.id, bob.instrument_token)
    assert raised.value.code == 30051


def test_an_order_edited_after_its_token_was_created_is_a_totals_mismatch(bc: Bc) -> None:
    # Given a PAT, then the merchant edits the order's total
    ada = bc.shopper()
    order = bc.renewal_order(ada)
    pat = bc.client.create_payment_access_token(STORE, order.id)
    bc.emu.stores[STORE].orders[order.id]["total_inc_tax"] = "99.0000"
    # When / Then
    with pytest.raises(PaymentDeclined) as raised:
        bc.client.process_stored_payment(
            STORE, pat, ada.instrument_token or "", "stripe.card", instrument_type="stored_card"
        )
    assert raised.value.code == 30004


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"products": [{"product_id": 999, "quantity": 1}]}, "does not exist"),
        ({"billing_address": {"zip": "7"}}, "zip"),
        ({"products": [{"product_id": BEANS, "quantity": 1, "price_ex_tax": 1.00}]}, "Both"),
    ],
)
def test_an_invalid_order_is_refused_with_a_v2_error_list(
    bc: Bc, change: dict[str, Any], reason: str
) -> None:
    # Given a body BigCommerce would refuse
    body = {
        "customer_id": 0,
        "billing_address": {"zip": "78701"},
        "products": [{"product_id": BEANS, "quantity": 1}],
    }
    body.update(change)
    # When
    raw = httpx.Client(transport=bc.emu.transport()).post(
        f"https://bc.test/stores/{STORE}/v2/orders", json=body, headers={"X-Auth-Token": TOKEN}
    )
    # Then
    assert raw.status_code == 400
    assert reason in raw.json()[0]["message"] and bc.emu.orders(STORE) == []


def test_a_wrong_token_or_unknown_store_is_unauthorized(bc: Bc) -> None:
    # Given clients with a wrong token, and for a store that does not exist
    wrong = HttpBigCommerce(
        api_url="https://bc.test",
        payments_url="https://bc.test",
        token_provider=lambda store_hash: "nope",
        transport=bc.emu.transport(),
    )
    # When / Then
    for call in (lambda: wrong.get_order(STORE, 1), lambda: bc.client.get_order("nostore", 1)):
        with pytest.raises(BigCommerceError) as raised:
            call()
        assert raised.value.status == 401


def test_order_lists_filter_page_and_answer_204_when_empty(bc: Bc) -> None:
    # Given three orders, one of them paid
    ada = bc.shopper()
    first, second = bc.renewal_order(ada, "k1"), bc.renewal_order(ada, "k2")
    bc.emu.place_checkout_order(
        STORE, customer_id=ada.id, lines=[{"product_id": MUG, "quantity": 1}]
    )
    http = httpx.Client(
        transport=bc.emu.transport(),
        base_url=f"https://bc.test/stores/{STORE}",
        headers={"X-Auth-Token": TOKEN},
    )
    # When
    incomplete = http.get("/v2/orders", params={"status_id": 0}).json()
    listed = http.get("/v2/orders").json()
    page_two = http.get("/v2/orders", params={"status_id": 0, "limit": 1, "page": 2}).json()
    later = http.get("/v2/orders", params={"min_date_modified": "2999-01-01T00:00:00Z"})
    none = http.get("/v2/orders", params={"external_order_id": "nope"})
    # Then Incomplete orders are listed only when asked for by status
    assert [o["id"] for o in incomplete] == [first.id, second.id]
    assert [o["status_id"] for o in listed] == [11]
    assert [o["id"] for o in page_two] == [second.id]
    assert (later.status_code, later.content, none.status_code) == (204, b"", 204)
    assert int(none.headers["X-Rate-Limit-Requests-Quota"]) == 150


# -- faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "applied"),
    [
        ("5xx_before", False),
        ("5xx_after", True),
        ("timeout_before", False),
        ("timeout_after", True),
    ],
)
def test_a_failed_order_creation_has_an_unknown_outcome_that_reading_resolves(
    bc: Bc, kind: str, applied: bool
) -> None:
    # Given BigCommerce fails the next order creation
    ada = bc.shopper()
    bc.emu.faults.inject("POST", "/stores/*/v2/orders", kind)
    # When
    with pytest.raises(OutcomeUnknown):
        bc.renewal_order(ada)
    # Then the client did not retry, and reading BigCommerce tells whether it happened
    assert [c for c in bc.emu.calls if c[0] == "POST"] == [("POST", f"/stores/{STORE}/v2/orders")]
    assert len(bc.client.find_orders_by_external_id(STORE, "sub_1-2")) == int(applied)
    assert bc.emu.faults.pending() == 0


def test_a_payment_whose_answer_was_lost_shows_up_in_the_transactions(bc: Bc) -> None:
    # Given the payments host applies the charge and the answer is lost
    ada = bc.shopper()
    order = bc.renewal_order(ada)
    bc.emu.faults.inject("POST", "/stores/*/payments", "timeout_after")
    # When
    with pytest.raises(OutcomeUnknown):
        bc.charge(order.id, ada.instrument_token)
    # Then
    assert [t.status for t in bc.client.list_order_transactions(STORE, order.id)] == ["ok"]


def test_reads_ride_out_transient_faults(bc: Bc) -> None:
    # Given two 5xx then a lost answer on reads of one order
    order = bc.renewal_order(bc.shopper())
    bc.emu.faults.inject("GET", "/stores/*/v2/orders/*", "5xx_before", times=1)
    bc.emu.faults.inject("GET", "/stores/*/v2/orders/*", "timeout_before", times=1)
    # When
    read = bc.client.get_order(STORE, order.id)
    # Then
    assert read.id == order.id and len(bc.sleeps) == 2


def test_an_injected_429_is_waited_out_and_the_write_repeated(bc: Bc) -> None:
    # Given
    ada = bc.shopper()
    bc.emu.faults.inject("POST", "/stores/*/v2/orders", "429", times=2)
    # When
    order = bc.renewal_order(ada)
    # Then: the 429s applied nothing, so exactly one order exists
    assert bc.sleeps == [0.05, 0.05]
    assert [o["id"] for o in bc.emu.orders(STORE)] == [order.id]


def test_the_store_quota_runs_out_and_the_client_reports_how_long_to_wait(bc: Bc) -> None:
    # Given a store quota of 2 requests per 30 s window
    bc.emu.rate_limit_quota = 2
    ada = bc.shopper()
    bc.client.list_stored_instruments(STORE, ada.id)
    bc.client.list_stored_instruments(STORE, ada.id)
    # When the third call finds the window spent (our fake sleep does not pass time)
    with pytest.raises(RateLimited) as raised:
        bc.client.list_stored_instruments(STORE, ada.id)
    # Then the client paced itself before calling, and reports the reset time
    assert 0 < raised.value.retry_after_ms <= 30_000
    # (one request left already counts as spent: the quota is shared with other apps)
    paced, between_429s = bc.sleeps[:2], bc.sleeps[2:]
    assert all(29 < wait <= 30 for wait in paced) and between_429s == [30.0, 30.0]


def test_a_store_on_a_plan_answers_with_its_quota_and_refuses_past_it_in_bigcommerce_shape(
    bc: Bc,
) -> None:
    # Given a Pro store whose window is nearly spent
    bc.emu.set_store_plan(STORE, "pro")
    ada = bc.shopper()
    for _ in range(449):
        bc.emu.store_limits.admit(STORE, payments=False, default_quota=150)
    http = httpx.Client(transport=bc.emu.transport(), base_url="https://bc.test")
    path = f"/stores/{STORE}/v3/customers/{ada.id}/stored-instruments"
    # When the last request of the window and one more are made
    last = http.get(path, headers={"X-Auth-Token": TOKEN, "Accept": "application/json"})
    over = http.get(path, headers={"X-Auth-Token": TOKEN, "Accept": "application/json"})
    # Then the last one says none are left of Pro's 450; the next is a v3 429 with the wait
    assert last.status_code == 200
    assert last.headers["X-Rate-Limit-Requests-Quota"] == "450"
    assert last.headers["X-Rate-Limit-Requests-Left"] == "0"
    assert over.status_code == 429 and over.json()["status"] == 429
    assert 0 < int(over.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 30_000
    assert int(over.headers["X-Retry-After"]) >= 1


def test_an_unknown_store_plan_is_refused(bc: Bc) -> None:
    # When / Then
    with pytest.raises(ValueError, match="unknown plan"):
        bc.emu.set_store_plan(STORE, "gold")


# -- webhooks ---------------------------------------------------------------------------------


def test_order_created_is_delivered_signed_with_the_client_secret_and_our_header(bc: Bc) -> None:
    # Given our hook for store/order/created with a secret header
    hook = bc.client.create_webhook(STORE, "store/order/created", HOOK, {"X-Bcs-Secret": "s3"})
    # When a shopper checks out
    placed = bc.emu.place_checkout_order(
        STORE, customer_id=bc.shopper().id, lines=[{"product_id": BEANS, "quantity": 1}]
    )
    [delivery] = bc.emu.drain_webhooks()
    # Then the delivery verifies with Standard Webhooks and carries BigCommerce's body
    payload = verify(delivery)
    assert (delivery.url, delivery.headers["X-Bcs-Secret"], hook.is_active) == (HOOK, "s3", True)
    assert payload["scope"] == "store/order/created" and payload["producer"] == f"stores/{STORE}"
    assert payload["data"] == {"type": "order", "id": placed["id"]}
    assert isinstance(payload["store_id"], str) and payload["store_id"].isdigit()
    assert (
        payload["hash"]
        == hashlib.sha1(json.dumps(payload["data"]).encode(), usedforsecurity=False).hexdigest()
    )
    assert bc.emu.drain_webhooks() == []


def test_a_tampered_delivery_fails_verification(bc: Bc) -> None:
    # Given
    bc.client.create_webhook(STORE, "store/order/created", HOOK, {})
    bc.renewal_order(bc.shopper())
    [delivery] = bc.emu.drain_webhooks()
    # When / Then
    with pytest.raises(Exception, match="signature"):
        Webhook(base64.b64encode(SECRET.encode()).decode()).verify(
            delivery.body.replace(b"order", b"0rder"), delivery.headers
        )


def test_hooks_receive_only_their_scopes_and_only_while_active(bc: Bc) -> None:
    # Given a status hook, and an order-created hook that was deactivated
    bc.client.create_webhook(STORE, "store/order/statusUpdated", HOOK + "?s", {})
    created = bc.client.create_webhook(STORE, "store/order/created", HOOK, {})
    bc.client.update_webhook(STORE, created.id, {}, is_active=False)
    ada = bc.shopper()
    # When a renewal order is created and paid
    order = bc.renewal_order(ada)
    bc.charge(order.id, ada.instrument_token)
    # Then only the status change arrived
    [delivery] = bc.emu.drain_webhooks()
    data = verify(delivery)["data"]
    assert data == {
        "type": "order",
        "id": order.id,
        "status": {"previous_status_id": 0, "new_status_id": 11},
    }
    assert [h.is_active for h in bc.client.list_webhooks(STORE)] == [True, False]


def test_delivering_webhooks_drains_them_through_the_sender(bc: Bc) -> None:
    # Given two queued deliveries
    bc.client.create_webhook(STORE, "store/order/*", HOOK, {})
    bc.client.update_order_status(STORE, bc.renewal_order(bc.shopper()).id, 5)
    # When
    seen: list[str] = []
    statuses = bc.emu.deliver_webhooks(lambda d: seen.append(verify(d)["scope"]) or 200)
    # Then
    assert statuses == [200, 200, 200]
    assert seen == ["store/order/created", "store/order/statusUpdated", "store/order/updated"]


# -- served over HTTP -------------------------------------------------------------------------


@pytest.fixture
def served(bc: Bc) -> Iterator[tuple[Bc, str]]:
    url, stop = serve_in_thread(bc.emu)
    yield bc, url
    stop()


def test_over_http_the_client_runs_a_renewal_against_the_served_emulator(
    served: tuple[Bc, str],
) -> None:
    # Given the emulator served on localhost
    bc, url = served
    client = bc.connect(None, url)
    ada = bc.shopper()
    # When
    order = client.create_order(STORE, renewal(ada.id))
    pat = client.create_payment_access_token(STORE, order.id)
    result = client.process_stored_payment(
        STORE, pat, ada.instrument_token or "", "stripe.card", instrument_type="stored_card"
    )
    # Then
    assert result.status == "success" and client.get_order(STORE, order.id).status_id == 11
    client.close()


def test_over_http_a_timeout_fault_is_a_slow_answer_applied_first(served: tuple[Bc, str]) -> None:
    # Given a short server stall and an even shorter client read timeout
    bc, url = served
    bc.emu.server_timeout_sleep = 0.1
    slow = HttpBigCommerce(
        api_url=url,
        payments_url=url,
        token_provider=lambda store_hash: TOKEN,
        timeout=httpx.Timeout(0.05),
        sleep=bc.sleeps.append,
    )
    bc.emu.faults.inject("POST", "/stores/*/v2/orders", "timeout_after")
    # When / Then
    with pytest.raises(OutcomeUnknown):
        slow.create_order(STORE, renewal(bc.shopper().id))
    assert len(bc.emu.orders(STORE)) == 1
    slow.close()


def test_over_http_the_control_routes_and_token_exchange_work_with_curl_shapes(
    served: tuple[Bc, str],
) -> None:
    # Given
    bc, url = served
    http = httpx.Client(base_url=url)
    code = bc.emu.issue_auth_code(STORE)
    # When
    customer = http.post(
        f"/_emulator/stores/{STORE}/customers", json={"email": "c@example.com"}
    ).json()
    order = http.post(
        f"/_emulator/stores/{STORE}/checkout",
        json={
            "customer_id": customer["id"],
            "lines": [{"product_id": BEANS, "quantity": 1, "price": "9.99"}],
        },
    ).json()
    form = {
        "client_id": "demo-client",
        "client_secret": SECRET,
        "code": code,
        "context": f"stores/{STORE}",
        "scope": "store_v2_orders",
        "grant_type": "authorization_code",
        "redirect_uri": "https://bcs.example.test/auth",
    }
    token = http.post("/oauth2/token", json=form)
    replay = http.post("/oauth2/token", json=form)
    # Then
    assert order["total_inc_tax"] == "9.9900" and len(customer["instrument_token"]) == 64
    assert token.json()["access_token"] == TOKEN and token.json()["context"] == f"stores/{STORE}"
    assert replay.status_code == 401
    assert bc.emu.calls == []  # control and login calls are not BigCommerce API calls
    http.close()


def test_over_http_the_emulator_hands_out_load_payloads_and_customer_tokens(
    served: tuple[Bc, str],
) -> None:
    # Given
    bc, url = served
    http = httpx.Client(base_url=url)
    customer = http.post(f"/_emulator/stores/{STORE}/customers", json={"email": "d@e.com"}).json()
    # When
    load = http.get(f"/_emulator/stores/{STORE}/load").json()["signed_payload_jwt"]
    jwt_url = f"/_emulator/stores/{STORE}/customers/{customer['id']}/current.jwt"
    answer = http.get(jwt_url, params={"app_client_id": bc.emu.client_id})
    # Then both verify with the app's client secret, for this store and this shopper
    now = datetime.now(UTC)
    assert verify_signed_payload(load, client_secret=SECRET, client_id=bc.emu.client_id, now=now)
    assert answer.headers["content-type"].startswith("text/plain")
    shopper = verify_customer_jwt(
        answer.text, client_secret=SECRET, client_id=bc.emu.client_id, now=now
    )
    assert (shopper.store_hash, shopper.customer_id) == (STORE, customer["id"])
    # And a guest, or a request without the app's client id, gets no token
    guest = http.get(
        f"/_emulator/stores/{STORE}/customers/999/current.jwt",
        params={"app_client_id": bc.emu.client_id},
    )
    assert guest.status_code == 404
    assert http.get(jwt_url).status_code == 400
    http.close()
