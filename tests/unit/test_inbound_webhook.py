"""A BigCommerce delivery at the receiver: which bodies are taken, how each refusal is answered,
and the message queued for the worker."""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.entrypoints.bc_webhook_models import OrderRef, StoreRef
from bc_subscriptions.ports.store_records import Install
from bc_subscriptions.services.hook_headers import hook_headers
from bc_subscriptions.services.inbound_webhook import (
    BcWebhook,
    WebhookRejected,
    accept_once,
    authenticate,
)

SECRET = "client-secret"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
STORE = "abc123"


class Installs:
    def __init__(self, store_id: str | None = "1001", status: str = "installed") -> None:
        self.install = Install(STORE, status, "token", "sealed-secret", store_id=store_id)
        self.remembered: list[tuple[str, str]] = []

    def get(self, store_hash: str) -> Install | None:
        return self.install if store_hash == STORE else None

    def remember_store_id(self, store_hash: str, store_id: str) -> None:
        self.remembered.append((store_hash, store_id))


class Vault:
    def decrypt(self, store_hash: str, ciphertext: str) -> str:
        return "hook-secret"


@dataclass
class Inbox:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)

    def record(
        self, store_hash: str, delivery_hash: str, scope: str, resource_id: str, now: datetime
    ) -> bool:
        row = (store_hash, delivery_hash, scope, resource_id)
        if row in self.rows:
            return False
        self.rows.append(row)
        return True

    def mark(self, store_hash: str, delivery_hash: str, status: str) -> None:
        raise AssertionError("nothing fails here")


@dataclass
class Queue:
    bodies: list[str] = field(default_factory=list)

    def send_batch(self, bodies: list[str]) -> int:
        self.bodies.extend(bodies)
        return len(bodies)


def _body(**changes: object) -> bytes:
    doc: dict[str, object] = {
        "scope": "store/order/created",
        "store_id": "1001",
        "producer": f"stores/{STORE}",
        "data": {"type": "order", "id": 250},
        "hash": "d41d8cd9",
        "created_at": 1780315200,
    }
    doc.update(changes)
    return json.dumps({k: v for k, v in doc.items() if v is not _GONE}).encode()


_GONE = object()


def _signed(body: bytes) -> dict[str, str]:
    stamp = str(int(NOW.timestamp()))
    mac = hmac.new(SECRET.encode(), f"msg_1.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
        **hook_headers(STORE, "hook-secret"),
    }


def _authenticate(
    body: bytes,
    installs: Installs | None = None,
    data_model: type[msgspec.Struct] | None = OrderRef,
    scope: str = "store/order/created",
) -> BcWebhook:
    return authenticate(
        body,
        _signed(body),
        expected_scope=scope,
        client_secret=SECRET,
        installs=installs or Installs(),
        vault=Vault(),
        now=NOW,
        data_model=data_model,
    )


def _refusal(body: bytes, **kwargs: Any) -> tuple[int, str, str]:
    with pytest.raises(WebhookRejected) as caught:
        _authenticate(body, **kwargs)
    return caught.value.status, caught.value.code, caught.value.message


def test_a_delivery_is_read_and_queued_as_the_same_message_bytes() -> None:
    # Given a signed delivery with a member we do not know
    body = _body(data={"type": "order", "id": 250, "extra": [1.5, None, "é"]}, unknown=True)
    # When it is authenticated and accepted
    payload = _authenticate(body)
    queue = Queue()
    outcome = accept_once(payload, inbox=Inbox(), queue=queue, now=NOW)
    # Then the worker is sent its store, hash, scope and data, byte for byte as ever
    assert (outcome, payload.store_hash, payload.created_at) == ("accepted", STORE, 1780315200)
    assert queue.bodies == [
        '{"store_hash":"abc123","delivery_hash":"d41d8cd9","scope":"store/order/created",'
        '"data":{"type":"order","id":250,"extra":[1.5,null,"\\u00e9"]}}'
    ]


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_a_number_json_has_no_literal_for_is_a_400_and_nothing_is_queued(number: bytes) -> None:
    # Given a signed delivery carrying a number outside RFC 8259 JSON in its data: queued, it
    # would reach the worker as a body its decoder refuses, for BigCommerce never to hear of
    body = _body().replace(b'"id": 250}', b'"id": 250, "x": ' + number + b"}")
    # When / Then
    status, code, _ = _refusal(body)
    assert (status, code) == (400, "invalid_payload")


def test_the_store_id_is_remembered_as_text_from_a_number_or_a_string() -> None:
    for store_id, remembered in ((1001, "1001"), ("1001", "1001"), (10**30, str(10**30))):
        installs = Installs(store_id=None)
        _authenticate(_body(store_id=store_id), installs)
        assert installs.remembered == [(STORE, remembered)]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"scope": _GONE}, "scope"),
        ({"scope": ""}, "scope"),
        ({"scope": "s" * 129}, "scope"),
        ({"store_id": True}, "store_id"),
        ({"store_id": 1.0}, "store_id"),
        ({"store_id": None}, "store_id"),
        ({"producer": "stores/abc123\n"}, "producer"),
        ({"producer": "stores/abc 123"}, "producer"),
        ({"producer": "stores/" + "a" * 65}, "producer"),
        ({"data": [1]}, "data"),
        ({"data": _GONE}, "data"),
        ({"hash": ""}, "hash"),
        ({"hash": 7}, "hash"),
        ({"created_at": 1.5}, "created_at"),
        ({"created_at": "soon"}, "created_at"),
        ({"created_at": [1]}, "created_at"),
    ],
    ids=lambda v: repr(v)[:30],
)
def test_a_body_out_of_the_callback_shape_is_a_400_naming_the_member(
    changes: dict[str, object], where: str
) -> None:
    # Given / When
    status, code, message = _refusal(_body(**changes))
    # Then
    assert (status, code) == (400, "invalid_payload")
    assert message.startswith(f"{where}: "), message


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[]",
        b"not json",
        b'{"scope": "\\ud800"}',
        b'{"data": {"a": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
    ],
    ids=["empty", "array", "text", "surrogate", "deep"],
)
def test_a_body_that_is_no_json_object_is_a_400(body: bytes) -> None:
    status, code, message = _refusal(body)
    assert (status, code) == (400, "invalid_payload")
    assert message.startswith("body: ")


@pytest.mark.parametrize(
    "order_id", [-1, 0, 2**31, 10**30, True, "250", 2.5, 250.0, None], ids=repr
)
def test_data_whose_id_is_no_order_id_is_a_400_under_data(order_id: object) -> None:
    # Given / When
    status, code, message = _refusal(_body(data={"type": "order", "id": order_id}))
    # Then nothing was remembered, and the refusal names the member
    assert (status, code) == (400, "invalid_payload")
    assert message.startswith("data.id: ")


def test_data_missing_a_member_is_a_400_under_data() -> None:
    status, code, message = _refusal(_body(data={"id": 250}))
    assert (status, code, message.split(": ")[0]) == (400, "invalid_payload", "data.type")


def test_the_shape_is_checked_before_the_scope_and_the_scope_before_the_store() -> None:
    # Given a body in the wrong shape and scope, and one in the wrong scope for a store we lack
    assert _refusal(_body(scope="store/other", hash=""))[1] == "invalid_payload"
    assert _refusal(_body(scope="store/other", producer="stores/nobody"))[:2] == (
        400,
        "unexpected_scope",
    )


def test_data_is_checked_only_after_the_store_s_secret() -> None:
    # Given bad data on a delivery whose store secret header is wrong
    body = _body(data={"type": "order", "id": 0})
    headers = {**_signed(body), "X-Bcs-Webhook-Secret": "guess"}
    # When / Then the secret is what is refused
    with pytest.raises(WebhookRejected) as caught:
        authenticate(
            body,
            headers,
            expected_scope="store/order/created",
            client_secret=SECRET,
            installs=Installs(),
            vault=Vault(),
            now=NOW,
            data_model=OrderRef,
        )
    assert (caught.value.status, caught.value.code) == (401, "invalid_secret")


def test_a_refused_data_remembers_no_store_id() -> None:
    installs = Installs(store_id=None)
    with pytest.raises(WebhookRejected):
        _authenticate(_body(data={"type": "store", "id": "x"}), installs)
    assert installs.remembered == []
    _authenticate(_body(scope="store/app/uninstalled"), installs, StoreRef, "store/app/uninstalled")
    assert installs.remembered == [(STORE, "1001")]


@given(order_id=st.integers(min_value=-(2**40), max_value=2**40))
def test_an_order_id_is_taken_exactly_when_it_is_a_positive_32_bit_integer(order_id: int) -> None:
    # Given / When
    body = _body(data={"type": "order", "id": order_id})
    # Then
    if 1 <= order_id <= 2**31 - 1:
        assert _authenticate(body).data["id"] == order_id
    else:
        assert _refusal(body)[:2] == (400, "invalid_payload")
