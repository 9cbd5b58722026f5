"""Property tests: no header or body makes a BigCommerce webhook route, or its worker, fail.

Every refusal is a documented 4xx (`{"error", "message"}`) and writes nothing; a worker batch
with a poison message fails that message only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devstack import lambda_events

from .world import World

ROUTES = {
    "/webhooks/bigcommerce/app-uninstalled": ("AppUninstalledFunction", "store/app/uninstalled"),
    "/webhooks/bigcommerce/customer-deleted": ("CustomerDeletedFunction", "store/customer/deleted"),
    "/webhooks/bigcommerce/default-instrument-updated": (
        "DefaultInstrumentUpdatedFunction",
        "store/customer/payment/instrument/default/updated",
    ),
    "/webhooks/bigcommerce/order-refund-created": (
        "OrderRefundCreatedFunction",
        "store/order/refund/created",
    ),
    "/webhooks/bigcommerce/order-transaction-created": (
        "OrderTransactionCreatedFunction",
        "store/order/transaction/created",
    ),
    "/webhooks/bigcommerce/order-created": ("OrderCreatedFunction", "store/order/created"),
    "/webhooks/bigcommerce/shipment-created": ("ShipmentCreatedFunction", "store/shipment/created"),
    "/webhooks/bigcommerce/order-status-updated": (
        "OrderStatusUpdatedFunction",
        "store/order/statusUpdated",
    ),
}
REFUSALS = {400, 401, 403, 413}
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

header_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=60)
signature_like = st.one_of(
    header_text,
    st.lists(
        st.tuples(st.sampled_from(["v1", "v2", "", "v1,x"]), st.binary(max_size=40)), max_size=3
    ).map(lambda sigs: " ".join(f"{v},{base64.b64encode(b).decode()}" for v, b in sigs)),
)
any_headers = st.dictionaries(
    st.sampled_from(
        [
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
            "x-bcs-webhook-secret",
            "x-bcs-store",
            "content-type",
            "x-other",
        ]
    ),
    st.one_of(header_text, signature_like),
    max_size=7,
)
json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


def _table(world: World) -> list[tuple[str, str, str]]:
    """Every item of the table (every store's), in key order."""
    items = world.items("")
    return sorted((str(i["pk"]), str(i["sk"]), json.dumps(i, default=str)) for i in items)


def _post(world: World, path: str, body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    fid = ROUTES[path][0]
    event = lambda_events.http_api_event(
        "POST", path, f"POST {path}", body, headers, base64_body=True
    )
    reply: dict[str, Any] = world.stack.runtime.invoke(fid, event)
    return reply


def _sign(world: World, body: bytes) -> dict[str, str]:
    stamp = str(int(time.time()))
    secret = world.emulator.client_secret.encode()
    mac = hmac.new(secret, f"msg_fuzz.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": "msg_fuzz",
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }


def _hook_headers(world: World) -> dict[str, str]:
    """The headers the store's hooks echo (secret and store), taken from a real delivery."""
    world.checkout(world.shopper())
    [delivery] = world.emulator.drain_webhooks()
    return {k: v for k, v in delivery.headers.items() if k.lower().startswith("x-bcs-")}


def _assert_refusal_shape(reply: dict[str, Any]) -> None:
    assert reply["statusCode"] in REFUSALS, reply
    body = json.loads(reply["body"])
    assert isinstance(body["error"], str) and isinstance(body["message"], str)


def test_any_unsigned_headers_and_bytes_are_refused_with_nothing_written(world: World) -> None:
    # Given a store with its table as it is
    before = _table(world)

    @FUZZ
    @given(path=st.sampled_from(sorted(ROUTES)), headers=any_headers, body=st.binary(max_size=300))
    def unsigned(path: str, headers: dict[str, str], body: bytes) -> None:
        # When anything unsigned is posted to a webhook route
        reply = _post(world, path, body, headers)
        # Then it is a documented refusal and the table is unchanged
        _assert_refusal_shape(reply)
        assert _table(world) == before

    unsigned()


def test_any_signed_body_is_answered_without_a_500_and_refusals_write_nothing(
    world: World,
) -> None:
    # Given the store's hook headers and BigCommerce's signing key
    hook_headers = _hook_headers(world)
    scopes = [scope for _, scope in ROUTES.values()]

    shaped = st.fixed_dictionaries(
        {
            "scope": st.one_of(st.sampled_from(scopes), st.text(max_size=10)),
            "store_id": st.one_of(st.text(max_size=5), st.integers(), st.booleans()),
            "producer": st.one_of(st.just(f"stores/{world.store_hash}"), st.text(max_size=12)),
            "data": st.one_of(
                st.fixed_dictionaries(
                    {"type": st.just("order"), "id": json_value},
                    optional={"orderId": json_value, "status": json_value, "refund": json_value},
                ),
                json_value,
            ),
            "hash": st.one_of(st.text(min_size=1, max_size=20), json_value),
        },
        optional={"created_at": json_value},
    ).map(lambda doc: json.dumps(doc).encode())
    bodies = st.one_of(shaped, st.binary(max_size=200))

    @FUZZ
    @given(path=st.sampled_from(sorted(ROUTES)), body=bodies, extra=any_headers)
    def signed(path: str, body: bytes, extra: dict[str, str]) -> None:
        before = _table(world)
        headers = {**extra, **hook_headers, **_sign(world, body)}
        # When a correctly signed body of any shape is posted
        reply = _post(world, path, body, headers)
        # Then it is accepted (or a duplicate) or refused as documented, never a 500
        if reply["statusCode"] == 200:
            assert json.loads(reply["body"])["status"] in {"accepted", "duplicate"}
            return
        _assert_refusal_shape(reply)
        assert _table(world) == before

    signed()


def test_a_poison_message_fails_only_itself_in_the_worker(world: World) -> None:
    # Given the worker's handler and a healthy message to travel with each poison one
    worker = world.stack.runtime.handler_module("BcWebhookWorkerFunction")
    healthy = json.dumps(
        {
            "store_hash": world.store_hash,
            "delivery_hash": "never-recorded",
            "scope": "store/order/created",
            "data": {"type": "order", "id": 1},
        }
    )
    messages = st.one_of(
        st.text(max_size=200),
        st.fixed_dictionaries(
            {
                "store_hash": st.one_of(st.just(world.store_hash), st.text(max_size=10)),
                "delivery_hash": st.text(max_size=10),
                "scope": st.one_of(st.sampled_from([s for _, s in ROUTES.values()]), st.text()),
                "data": json_value,
            }
        ).map(json.dumps),
    )

    @FUZZ
    @given(poison=messages, receive_count=st.integers(min_value=1, max_value=6))
    def batch(poison: str, receive_count: int) -> None:
        event = lambda_events.sqs_event(
            [
                _sqs_message("poison", poison, receive_count),
                _sqs_message("healthy", healthy, 1),
            ],
            "arn:aws:sqs:us-east-1:123456789012:BcWebhookQueue",
        )
        context = lambda_events.LambdaContext(function_name="BcWebhookWorkerFunction", timeout_s=60)
        # When the worker handles the batch
        reply = worker.handler(event, context)
        # Then no exception escaped, and only the poison message may have failed
        failed = {f["itemIdentifier"] for f in reply.get("batchItemFailures", [])}
        assert failed <= {"poison"}

    batch()


def _sqs_message(message_id: str, body: str, receive_count: int) -> dict[str, Any]:
    return {
        "MessageId": message_id,
        "ReceiptHandle": f"rh-{message_id}",
        "Body": body,
        "Attributes": {"ApproximateReceiveCount": str(receive_count)},
        "MessageAttributes": {},
    }
