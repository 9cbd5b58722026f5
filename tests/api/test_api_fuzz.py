"""Any request to the admin and portal APIs (in-memory container, the table's side records
in memory too): never a 500, always the documented error shape, and nothing written for a
refusal. BigCommerce's app callbacks are fuzzed on the whole topology
(`tests/integration/test_fuzz_api.py`): `/auth` exchanges its code with BigCommerce's OAuth
and seals the token with KMS.

One store for the module, as the examples share it; the examples are bounded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bc_subscriptions import bootstrap
from devstack import lambda_events as le

from .client import session_token
from .dynamodb_limits import KeySizedDeadLetters, KeySizedEndpoints, KeySizedStore
from .side_records import SideRecords, SideRecordsContainer
from .world import ApiStack, ApiWorld, handler_module

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WORDS = [
    "subscriptions",
    "pause",
    "resume",
    "skip",
    "cancel",
    "quantity",
    "cadence",
    "shipping-address",
    "scheduled-cancel",
    "contract",
    "variant",
    "retry-payment",
    "plans",
    "111",
    "config",
    "webhooks",
    "endpoints",
    "deliveries",
    "rotate",
    "disable",
    "enable",
    "replay",
    "ops",
    "failed-charges",
    "requires-action",
    "stuck-workflows",
    "dead-letters",
    "items",
    "redrive",
    "openapi.json",
    "payment-method",
    "catalog",
    "products",
    "onboarding",
    "renewals",
    "upcoming",
    "presets",
    "locations",
]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@dataclass
class Scenery:
    stack: ApiStack
    records: SideRecords
    world: ApiWorld
    subscription_id: str
    session: str
    customer_token: str
    stored: Any  # everything stored as the last example left it

    def written(self) -> tuple[Any, Any]:
        """What was stored before and after the last request."""
        before, self.stored = self.stored, _stored(self)
        return before, self.stored


@pytest.fixture(scope="module")
def scenery() -> Iterator[Scenery]:
    stack = ApiStack(store=KeySizedStore())
    records = SideRecords(
        stack, endpoints=KeySizedEndpoints(stack.store), dead_letters=KeySizedDeadLetters()
    )
    bootstrap.use(SideRecordsContainer(stack, records))
    try:
        world = ApiWorld.create(stack)
        records.register_endpoint(world, "https://merchant.example.test/hooks")
        customer, _ = world.subscribe()
        [sub_id] = world.subscription_ids()
        token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
        session = session_token(world)
        scenery = Scenery(stack, records, world, sub_id, session, token, None)
        scenery.stored = _stored(scenery)
        yield scenery
    finally:
        bootstrap.use(None)


def _stored(scenery: Scenery) -> dict[str, Any]:
    """Every row and event of every store, the side records and what the queues were sent."""
    store = scenery.stack.store
    return {
        "rows": [(key, row.value, row.version) for key, row in store.scan("")],
        "events": list(store.events_after(0)),
        "sent": scenery.records.sent(),
        **scenery.records.stored(),
    }


def _without_counters(stored: dict[str, Any]) -> dict[str, Any]:
    return stored | {"rows": [r for r in stored["rows"] if not r[0][1].startswith("RATE#")]}


def _segments(subscription_id: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([*WORDS, subscription_id]),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="/")),
        st.text("abcdef0123456789_-", min_size=200, max_size=1200),  # past DynamoDB's key size
    )


@st.composite
def _bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "json", "deep", "empty"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "deep":
        depth = draw(st.integers(500, 5000))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        return (opener * depth + "1" + closer * depth).encode()
    if kind == "empty":
        return b""
    scalars = st.none() | st.booleans() | st.integers() | st.floats() | TEXT
    value = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
        max_leaves=12,
    )
    known = st.fixed_dictionaries(
        {},
        optional={
            k: value
            for k in ("when", "quantity", "product_id", "cadence", "resume_at", "instrument_token")
        },
    )
    return json.dumps(draw(value | known)).encode()


def _headers(token: str | None) -> st.SearchStrategy[dict[str, str]]:
    names = st.sampled_from(["content-type", "x-forwarded-for", "accept", "cookie", "origin"])
    content_types = st.sampled_from(
        ["application/json", "text/plain", "multipart/form-data; boundary=x", ""]
    )
    auth = st.sampled_from(
        [None, token, "Bearer x.y.z", "Basic Zm9vOmJhcg==", "Bearer", f"Bearer {token}x"]
    )
    return st.builds(
        _header_set, st.dictionaries(names, TEXT, max_size=3), content_types, auth, st.just(token)
    )


def _header_set(
    extra: dict[str, str], content_type: str, auth: str | None, token: str | None
) -> dict[str, str]:
    headers = {**extra, "content-type": content_type}
    if auth is not None:
        headers["authorization"] = f"Bearer {token}" if auth == token else auth
    return headers


def _invoke(
    stack: ApiStack,
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
    context = le.LambdaContext(function_name=fid, timeout_s=29)
    reply: dict[str, Any] = handler_module(fid).handler(event, context)
    return reply


def _assert_refusal_shape(reply: dict[str, Any]) -> None:
    status = int(reply["statusCode"])
    assert status < 500 or status in (502, 503), reply
    if status >= 400:
        body = json.loads(reply["body"])
        assert isinstance(body["error"], str) and body["error"], reply
        assert {"message", "fields", "errors"} & set(body), reply


def _assert_nothing_written(reply: dict[str, Any], before: Any, after: Any) -> None:
    status = int(reply["statusCode"])
    if status < 400:
        return
    # A refused change still counts as an attempt (its counter is all it writes).
    if status == 409:
        before, after = _without_counters(before), _without_counters(after)
    assert after == before, reply


def _routes(function: str) -> list[tuple[str, str]]:
    """(method, path template) of every route the function's resolver registers."""
    app = handler_module(function).app
    methods = ("GET", "POST", "PUT", "PATCH", "DELETE")
    # The action-link page the portal function also serves answers a link's token with HTML,
    # not a session with JSON; its own tests try forged and foreign links (test_action_page.py).
    return sorted(
        (m, key[len(m) :])
        for key in app._route_keys
        for m in methods
        if key.startswith(m) and not key[len(m) :].startswith("/action/")
    )


@st.composite
def _route_path(draw: st.DrawFn, routes: list[tuple[str, str]], sub_id: str) -> tuple[str, str]:
    """A registered route (mostly with its own method), its parameters filled in anyhow."""
    method, template = draw(st.sampled_from(routes))
    method = draw(st.sampled_from([method, method, method, *METHODS]))
    parts = [
        draw(_segments(sub_id)) if part.startswith("<") else part for part in template.split("/")
    ]
    return method, "/".join(parts)


def _request(scenery: Scenery, api: str, fid: str) -> st.SearchStrategy[tuple[Any, ...]]:
    token = scenery.session if api == "admin" else scenery.customer_token
    anywhere = st.tuples(
        st.sampled_from(METHODS),
        st.lists(_segments(scenery.subscription_id), max_size=5).map(
            lambda parts: f"/{api}/" + "/".join(parts)
        ),
    )
    routed = _route_path(_routes(fid), scenery.subscription_id)
    return st.tuples(
        routed | routed | routed | anywhere,
        st.dictionaries(TEXT, TEXT, max_size=3),
        _bodies(),
        _headers(token),
    ).map(lambda r: (*r[0], *r[1:]))


@pytest.mark.parametrize(
    ("api", "fid"), [("admin", "AdminApiFunction"), ("portal", "PortalApiFunction")]
)
def test_no_request_to_the_apis_gets_a_500_or_writes_on_refusal(
    scenery: Scenery, api: str, fid: str
) -> None:
    @FUZZ
    @given(request=_request(scenery, api, fid))
    def attempt(request: tuple[Any, ...]) -> None:
        # Given any method, path, query, body and headers, with or without a valid token
        method, path, query, body, headers = request
        # When the API answers
        reply = _invoke(
            scenery.stack, fid, f"ANY /{api}/{{proxy+}}", method, path, body, headers, query
        )
        # Then it is no server error, a refusal has the error shape and wrote nothing
        _assert_refusal_shape(reply)
        _assert_nothing_written(reply, *scenery.written())

    attempt()


@pytest.mark.parametrize(
    ("api", "fid"), [("admin", "AdminApiFunction"), ("portal", "PortalApiFunction")]
)
def test_an_anonymous_caller_is_always_told_401_first(scenery: Scenery, api: str, fid: str) -> None:
    @FUZZ
    @given(request=_request(scenery, api, fid))
    def attempt(request: tuple[Any, ...]) -> None:
        # Given any request without a valid token
        method, path, query, body, headers = request
        headers.pop("authorization", None)
        # When / Then it is refused as unauthenticated, whatever else is wrong with it
        reply = _invoke(
            scenery.stack, fid, f"ANY /{api}/{{proxy+}}", method, path, body, headers, query
        )
        if (method, path) == ("GET", "/admin/openapi.json"):
            return  # the API's description is public
        assert int(reply["statusCode"]) == 401, reply
        assert json.loads(reply["body"])["error"] == "unauthorized"

    attempt()


def _cancel(scenery: Scenery, api: str, body: bytes, token: str | None) -> dict[str, Any]:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    fid = "AdminApiFunction" if api == "admin" else "PortalApiFunction"
    path = f"/{api}/subscriptions/{scenery.subscription_id}/cancel"
    return _invoke(scenery.stack, fid, f"ANY /{api}/{{proxy+}}", "POST", path, body, headers, {})


@pytest.mark.parametrize("api", ["admin", "portal"])
@pytest.mark.parametrize(
    ("body", "problem"),
    [(b'{"when": "\xff\xfe"}', "not UTF-8"), (b"[" * 1000 + b"]" * 1000, "nested too deeply")],
)
def test_a_body_we_cannot_read_is_400_for_the_caller_and_401_for_anyone_else(
    scenery: Scenery, api: str, body: bytes, problem: str
) -> None:
    # Given a body that is not UTF-8 text, or JSON nested a thousand deep
    token = scenery.session if api == "admin" else scenery.customer_token
    # When the authenticated caller sends it, and then an anonymous one
    mine, anonymous = _cancel(scenery, api, body, token), _cancel(scenery, api, body, None)
    # Then the caller is told what is wrong, the anonymous one only that they are not known
    assert (mine["statusCode"], json.loads(mine["body"])["error"]) == (400, "invalid_body")
    assert problem in json.loads(mine["body"])["message"]
    assert (anonymous["statusCode"], json.loads(anonymous["body"])["error"]) == (
        401,
        "unauthorized",
    )
    scenery.written()


@pytest.mark.parametrize("api", ["admin", "portal"])
def test_an_anonymous_caller_with_an_invalid_body_gets_401_not_the_fields(
    scenery: Scenery, api: str
) -> None:
    # Given / When an anonymous caller sends a body with an invalid field
    reply = _cancel(scenery, api, b'{"when": "tomorrow", "extra": 1}', None)
    # Then they are refused as unauthenticated, with no word on the fields
    assert reply["statusCode"] == 401
    assert "fields" not in json.loads(reply["body"])
