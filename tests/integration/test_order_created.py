"""store/order/created -> subscriptions, exactly once, and nothing written for bad requests."""

import base64
import hashlib
import hmac
import json
import time

import pytest

from devstack.stack import LocalStack

from .world import ONE_TIME_PRODUCT_ID, PRODUCT_ID, World

ROUTE = "/webhooks/bigcommerce/order-created"


def _deliveries(world: World) -> list:
    return world.emulator.drain_webhooks()


def test_a_paid_checkout_order_becomes_an_active_subscription_with_its_event(world: World) -> None:
    # Given a shopper with a stored card buys the subscription product
    customer = world.shopper()
    order = world.checkout(customer)
    # When BigCommerce delivers store/order/created
    world.stack.pump()
    # Then one active subscription locks the line's price, and its event is written
    [sub] = world.of_kind("subscription")
    doc = json.loads(sub["doc"])
    assert sub["status"] == "active"
    assert doc["origin_order_id"] == order["id"]
    assert doc["lines"][0]["quantity"] == 2 and doc["lines"][0]["price_inc_tax"] == "25.0000"
    assert doc["payment_method"]["instrument_token"] == customer.instrument_token
    assert "subscription.created" in world.event_types()


def test_the_same_delivery_twice_creates_one_subscription(world: World) -> None:
    # Given one store/order/created delivery
    world.checkout(world.shopper())
    [delivery] = _deliveries(world)
    # When it arrives twice, and the worker then runs
    first = world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
    second = world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
    world.stack.pump()
    # Then the first is queued, the second changes nothing
    assert (first.status, first.json()["status"]) == (200, "accepted")
    assert (second.status, second.json()["status"]) == (200, "duplicate")
    assert len(world.of_kind("subscription")) == 1


def test_a_redelivery_with_a_new_hash_is_stopped_by_the_order_link(world: World) -> None:
    # Given the order was already captured
    _, order = world.subscribe()
    # When BigCommerce sends another event for the same order (different hash)
    world.emulator.resend_order_created(world.store_hash, order["id"])
    world.stack.pump()
    # Then there is still exactly one subscription
    assert len(world.of_kind("subscription")) == 1


def test_only_subscription_lines_join_the_subscription(world: World) -> None:
    # Given an order with a subscription line and a one-time line
    lines = [
        {"product_id": PRODUCT_ID, "quantity": 1},
        {"product_id": ONE_TIME_PRODUCT_ID, "quantity": 1},
    ]
    world.checkout(world.shopper(), lines)
    # When
    world.stack.pump()
    # Then
    [sub] = world.of_kind("subscription")
    assert [line["product_id"] for line in json.loads(sub["doc"])["lines"]] == [PRODUCT_ID]


def test_a_guest_without_a_stored_card_gets_a_subscription_that_asks_for_one(world: World) -> None:
    # Given / When
    world.subscribe(card=None)
    # Then
    [sub] = world.of_kind("subscription")
    assert sub["status"] == "requires_action"
    assert "payment_method.required" in world.event_types()


def test_an_unpaid_order_starts_nothing(world: World) -> None:
    # Given an order still Incomplete
    world.checkout(world.shopper(), status_id=0)
    # When
    world.stack.pump()
    # Then
    assert world.of_kind("subscription") == []


def test_a_body_sent_base64_encoded_is_verified_on_its_decoded_bytes(world: World) -> None:
    # Given API Gateway hands the body over base64-encoded
    world.checkout(world.shopper())
    [delivery] = _deliveries(world)
    from devstack import lambda_events

    event = lambda_events.http_api_event(
        "POST", ROUTE, f"POST {ROUTE}", delivery.body, delivery.headers, base64_body=True
    )
    # When
    reply = world.stack.runtime.invoke("OrderCreatedFunction", event)
    world.stack.pump()
    # Then
    assert reply["statusCode"] == 200
    assert len(world.of_kind("subscription")) == 1


def _assert_rejected(world: World, body: bytes, headers: dict, status: int, code: str) -> None:
    reply = world.stack.runtime.http("POST", ROUTE, body, headers)
    assert reply.status == status, reply.body
    assert reply.json()["error"] == code
    assert world.of_kind("subscription") == [] and world.of_kind("inbox") == []


def test_an_unsigned_delivery_is_refused_and_writes_nothing(world: World) -> None:
    # Given a delivery whose signature was stripped
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    headers = {k: v for k, v in d.headers.items() if not k.lower().startswith("webhook-")}
    # When / Then
    _assert_rejected(world, d.body, headers, 401, "invalid_signature")


def test_a_tampered_body_is_refused(world: World) -> None:
    # Given / When / Then
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    _assert_rejected(
        world, d.body.replace(b'"id":', b'"id": 9'), d.headers, 401, "invalid_signature"
    )


def test_a_wrong_store_secret_header_is_refused(world: World) -> None:
    # Given / When / Then
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    headers = {**d.headers, "X-Bcs-Webhook-Secret": "guess"}
    _assert_rejected(world, d.body, headers, 401, "invalid_secret")


def test_a_signed_delivery_for_an_unknown_store_is_refused(stack: LocalStack) -> None:
    # Given a correctly signed body naming a store that never installed us
    body = json.dumps(
        {
            "scope": "store/order/created",
            "store_id": "1",
            "producer": "stores/nobody",
            "data": {"type": "order", "id": 1},
            "hash": "abc",
            "created_at": 1,
        }
    ).encode()
    headers = stack.emulator.sign(body)
    # When
    reply = stack.runtime.http("POST", ROUTE, body, headers)
    # Then
    assert (reply.status, reply.json()["error"]) == (401, "unknown_store")


def test_a_malformed_body_is_a_400(world: World) -> None:
    # Given a signed body that is not a BigCommerce callback
    body = b'{"hello": "world"}'
    # When / Then
    _assert_rejected(world, body, world.emulator.sign(body), 400, "invalid_payload")


def test_a_body_that_is_not_json_is_a_400(world: World) -> None:
    # Given / When / Then
    body = base64.b64encode(b"\x00\x01")
    _assert_rejected(world, body, world.emulator.sign(body), 400, "invalid_payload")


def test_log_keys_of_one_delivery_do_not_leak_into_the_next(world: World) -> None:
    # Given a processed delivery, which tagged the logger with its store and hash
    from bc_subscriptions.observability import logger

    world.checkout(world.shopper())
    [delivery] = _deliveries(world)
    world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
    assert "webhook_hash" in logger.get_current_keys()
    # When the next invocation is a rejected one
    world.stack.runtime.http("POST", ROUTE, b"{}", {})
    # Then it carries none of the previous delivery's keys
    assert "webhook_hash" not in logger.get_current_keys()
    assert "store_hash" not in logger.get_current_keys()


def _resigned(world: World, body: bytes, headers: dict, **changes: object) -> tuple[bytes, dict]:
    """The body with `changes`, signed anew by BigCommerce's key; the hook's headers kept."""
    changed = json.dumps({**json.loads(body), **changes}).encode()
    signature = world.emulator.sign(changed)
    kept = {k: v for k, v in headers.items() if not k.lower().startswith("webhook-")}
    return changed, {**kept, **signature}


def test_a_body_naming_another_store_than_the_hook_is_a_403(stack: LocalStack) -> None:
    # Given two installed stores, and a delivery of store A whose body names store B
    a, b = World.create(stack), World.create(stack)
    a.checkout(a.shopper())
    [d] = _deliveries(a)
    body, headers = _resigned(a, d.body, d.headers, producer=f"stores/{b.store_hash}")
    # When / Then
    reply = stack.runtime.http("POST", ROUTE, body, headers)
    assert (reply.status, reply.json()["error"]) == (403, "store_mismatch")
    assert a.of_kind("inbox") == [] and b.of_kind("inbox") == []


def test_a_hook_header_naming_another_store_fails_on_that_store_s_secret(
    stack: LocalStack,
) -> None:
    # Given store A's delivery re-addressed (body and store header) to store B
    a, b = World.create(stack), World.create(stack)
    a.checkout(a.shopper())
    [d] = _deliveries(a)
    body, headers = _resigned(a, d.body, d.headers, producer=f"stores/{b.store_hash}")
    headers["X-Bcs-Store"] = b.store_hash
    # When / Then A's secret does not open B
    reply = stack.runtime.http("POST", ROUTE, body, headers)
    assert (reply.status, reply.json()["error"]) == (401, "invalid_secret")
    assert b.of_kind("inbox") == [] and b.of_kind("subscription") == []


def test_a_store_id_other_than_the_one_the_store_delivered_before_is_a_403(world: World) -> None:
    # Given the store's first delivery taught us its store id
    world.subscribe()
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    # When a delivery for the same store carries another store id
    body, headers = _resigned(world, d.body, d.headers, store_id="999")
    reply = world.stack.runtime.http("POST", ROUTE, body, headers)
    # Then
    assert (reply.status, reply.json()["error"]) == (403, "store_mismatch")
    assert len(world.of_kind("subscription")) == 1 and len(world.of_kind("inbox")) == 1


def test_a_status_update_without_its_status_ids_is_a_400(world: World) -> None:
    # Given a signed statusUpdated delivery whose data lacks `status`
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    body, headers = _resigned(
        world, d.body, d.headers, scope="store/order/statusUpdated", data={"type": "order", "id": 1}
    )
    # When
    reply = world.stack.runtime.http(
        "POST", "/webhooks/bigcommerce/order-status-updated", body, headers
    )
    # Then
    assert (reply.status, reply.json()["error"]) == (400, "invalid_payload")
    assert world.of_kind("inbox") == []


def test_the_route_answers_before_any_bigcommerce_call_and_the_worker_does_them(
    world: World,
) -> None:
    # Given a checkout order's delivery
    world.checkout(world.shopper())
    [delivery] = _deliveries(world)
    world.emulator.reset_calls()
    # When the route answers
    reply = world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
    # Then it made no BigCommerce call and wrote only the inbox row
    assert (reply.status, reply.json()["status"]) == (200, "accepted")
    assert world.emulator.calls == []
    assert world.of_kind("subscription") == []
    assert [i["status"] for i in world.of_kind("inbox")] == ["received"]
    # And the worker behind the queue then makes the subscription
    world.stack.pump()
    assert len(world.of_kind("subscription")) == 1
    assert world.emulator.calls != []
    assert [i["status"] for i in world.of_kind("inbox")] == ["processed"]


def test_an_order_bigcommerce_no_longer_has_is_given_up_not_parked(world: World) -> None:
    # Given a delivery of an order that was deleted before the worker ran
    order = world.checkout(world.shopper())
    [delivery] = _deliveries(world)
    with world.emulator.lock:
        del world.emulator.stores[world.store_hash].orders[order["id"]]
    # When it is delivered and the worker runs
    world.stack.runtime.http("POST", ROUTE, delivery.body, delivery.headers)
    world.stack.pump(retry_failed=True)
    # Then it is given up with its reason: not parked, not dead-lettered, not retried
    [row] = world.of_kind("inbox")
    assert (row["status"], row["reason"]) == ("given_up", "not_found_at_bigcommerce")
    assert world.of_kind("inbox_retry") == [] and world.of_kind("dead_letter") == []


def test_a_delivery_without_created_at_is_accepted(world: World) -> None:
    # Given a correctly signed delivery that omits created_at
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    body, headers = _resigned(world, d.body, d.headers)
    doc = json.loads(body)
    del doc["created_at"]
    body, headers = _resigned(world, json.dumps(doc).encode(), headers)
    # When
    reply = world.stack.runtime.http("POST", ROUTE, body, headers)
    world.stack.pump()
    # Then
    assert reply.status == 200
    assert len(world.of_kind("subscription")) == 1


@pytest.mark.parametrize(
    "order_id", [-1, 0, 10**30, True, "250", 2.5, None], ids=lambda v: repr(v)[:12]
)
def test_a_signed_delivery_whose_id_is_no_order_id_is_a_400(world: World, order_id: object) -> None:
    # Given a correctly signed delivery whose data.id cannot name an order
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    body, headers = _resigned(world, d.body, d.headers, data={"type": "order", "id": order_id})
    # When / Then it is refused, nothing written (it could only ever be parked)
    _assert_rejected(world, body, headers, 400, "invalid_payload")


@pytest.mark.parametrize(
    "signature",
    ["v1", "v1,a,b", "v1,abc v1", "v1,%%%", "v1,"],
    ids=["no comma", "two", "mixed", "b64", "empty"],
)
def test_a_malformed_signature_header_is_a_401_not_a_500(world: World, signature: str) -> None:
    # Given a delivery whose signature header is malformed
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    # When / Then
    _assert_rejected(
        world, d.body, {**d.headers, "webhook-signature": signature}, 401, "invalid_signature"
    )


@pytest.mark.parametrize("stamp", ["soon", "1e12", "-1", "9" * 40])
def test_a_malformed_timestamp_header_is_a_401_not_a_500(world: World, stamp: str) -> None:
    # Given / When / Then
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    _assert_rejected(
        world, d.body, {**d.headers, "webhook-timestamp": stamp}, 401, "invalid_signature"
    )


def test_a_signed_body_that_is_not_utf8_is_a_400_not_a_500(world: World) -> None:
    # Given a correctly signed body that is not UTF-8, handed over base64-encoded
    from devstack import lambda_events

    body = b'{"scope": "\xff\xfe"}'
    stamp = str(int(time.time()))
    secret = world.emulator.client_secret.encode()
    mac = hmac.new(secret, f"msg_1.{stamp}.".encode() + body, hashlib.sha256).digest()
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }
    event = lambda_events.http_api_event(
        "POST", ROUTE, f"POST {ROUTE}", body, headers, base64_body=True
    )
    # When
    reply = world.stack.runtime.invoke("OrderCreatedFunction", event)
    # Then
    assert reply["statusCode"] == 400
    assert json.loads(reply["body"])["error"] == "invalid_payload"
    assert world.of_kind("inbox") == []


def test_a_correctly_signed_one_mebibyte_callback_is_a_413(world: World) -> None:
    # Given a valid delivery padded to 1 MiB and signed anew
    world.checkout(world.shopper())
    [d] = _deliveries(world)
    body, headers = _resigned(world, d.body, d.headers, padding="x" * (1 << 20))
    # When / Then
    _assert_rejected(world, body, headers, 413, "payload_too_large")
