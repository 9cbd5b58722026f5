"""Any query on BigCommerce's app callbacks (`/auth`, `/load`, `/uninstall`): never a 500,
always the documented error shape, and nothing written for a refusal. On the whole topology:
`/auth` exchanges its code with BigCommerce's OAuth and seals the token with KMS. The admin and
portal APIs are fuzzed on the in-memory container (`tests/api/test_api_fuzz.py`).

One stack for the module (building one per example would cost seconds each); the examples
are bounded so the module stays a few seconds of `make test`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devstack import lambda_events as le
from devstack.stack import LocalStack

from .admin_api_client import session_token
from .world import World

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@dataclass
class Scenery:
    stack: LocalStack
    world: World
    subscription_id: str
    session: str
    customer_token: str
    items: list[dict[str, Any]]  # the table as the last example left it

    def written(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The table before and after the last request (one scan per example)."""
        before, self.items = self.items, _table(self.stack)
        return before, self.items


@pytest.fixture(scope="module")
def scenery() -> Iterator[Scenery]:
    with LocalStack() as stack:
        world = World.create(stack)
        customer, _ = world.subscribe()
        [sub] = world.of_kind("subscription")
        token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
        session = session_token(world)
        yield Scenery(stack, world, str(sub["subscription_id"]), session, token, _table(stack))


@functools.cache
def _resource(name: str) -> Any:
    # Building a boto3 resource costs far more than scanning the few items of the table.
    return boto3.resource("dynamodb").Table(name)


def _table(stack: LocalStack) -> list[dict[str, Any]]:
    table = _resource(stack.physical["SubscriptionsTable"])
    items: list[dict[str, Any]] = table.scan(ConsistentRead=True)["Items"]
    return sorted(items, key=lambda i: (str(i["pk"]), str(i["sk"])))


def _invoke(
    stack: LocalStack,
    fid: str,
    route_key: str,
    method: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
    query: dict[str, str],
) -> dict[str, Any]:
    # API Gateway hands a body that is not UTF-8 text over base64-encoded.
    event = le.http_api_event(method, path, route_key, body, headers, query, base64_body=True)
    reply: dict[str, Any] = stack.runtime.invoke(fid, event)
    return reply


def _assert_refusal_shape(reply: dict[str, Any]) -> None:
    status = int(reply["statusCode"])
    assert status < 500 or status in (502, 503), reply
    if status >= 400:
        body = json.loads(reply["body"])
        assert isinstance(body["error"], str) and body["error"], reply
        assert {"message", "fields", "errors"} & set(body), reply


@FUZZ
@given(
    route=st.sampled_from(["/auth", "/load", "/uninstall"]),
    query=st.dictionaries(
        st.sampled_from(["code", "scope", "context", "signed_payload_jwt", "account_uuid"]) | TEXT,
        TEXT,
        max_size=4,
    ),
    headers=st.dictionaries(st.sampled_from(["cookie", "referer", "user-agent"]), TEXT, max_size=2),
)
def test_no_app_callback_gets_a_500_or_writes_on_refusal(
    scenery: Scenery, route: str, query: dict[str, str], headers: dict[str, str]
) -> None:
    # Given any query and headers on BigCommerce's app callbacks
    # When the callback answers
    reply = _invoke(
        scenery.stack, "AppLifecycleFunction", f"GET {route}", "GET", route, b"", headers, query
    )
    # Then it is no server error, and a refusal has the error shape and wrote nothing
    assert int(reply["statusCode"]) < 500 or int(reply["statusCode"]) == 502, reply
    before, after = scenery.written()
    if int(reply["statusCode"]) >= 400:
        _assert_refusal_shape(reply)
        assert after == before, reply
