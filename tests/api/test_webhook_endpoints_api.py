"""The merchant's webhook endpoints through the admin API (in-memory container, the endpoint
records in memory): bad bodies refused with every error, and another store's endpoint not
found on any of its routes. Registering, rotating, delivering and replaying are tried on the
whole topology (`tests/integration/test_admin_settings_api.py`), as is the DynamoDB adapter's
store scoping (`tests/integration/test_api_scoping.py`)."""

from __future__ import annotations

import pytest

from bc_subscriptions import bootstrap

from .client import call, session_token
from .side_records import SideRecords, SideRecordsContainer
from .world import ApiStack, ApiWorld

MERCHANT_URL = "https://merchant.example.test/hooks"


@pytest.fixture
def records(stack: ApiStack) -> SideRecords:
    records = SideRecords(stack)
    bootstrap.use(SideRecordsContainer(stack, records))  # the stack fixture resets it after
    return records


def _store_with_an_endpoint(stack: ApiStack, records: SideRecords) -> ApiWorld:
    """A store whose merchant registered an endpoint, as every store of the topology has."""
    world = ApiWorld.create(stack)
    records.register_endpoint(world, MERCHANT_URL)
    return world


@pytest.fixture
def world(stack: ApiStack, records: SideRecords) -> ApiWorld:
    return _store_with_an_endpoint(stack, records)


@pytest.fixture
def other(stack: ApiStack, records: SideRecords) -> ApiWorld:
    return _store_with_an_endpoint(stack, records)


def test_invalid_endpoints_and_replay_bodies_are_422(world: ApiWorld) -> None:
    token = session_token(world)
    reply = call(
        world, "POST", "/admin/webhooks/endpoints", token, {"url": "ftp://x", "event_types": ["x"]}
    )
    assert (reply.status, reply.json()["error"]) == (422, "invalid_endpoint")
    assert len(reply.json()["errors"]) == 2
    ep = call(world, "GET", "/admin/webhooks/endpoints", token).json()[0]["endpoint_id"]
    reply = call(world, "POST", f"/admin/webhooks/endpoints/{ep}/replay", token, {})
    assert (reply.status, reply.json()["error"]) == (422, "invalid_request")


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("POST", "rotate", None),
        ("POST", "disable", None),
        ("POST", "enable", None),
        ("GET", "deliveries", None),
        ("POST", "replay", {"event_ids": ["evt_x_000001"]}),
    ],
)
def test_another_stores_endpoint_is_404(
    world: ApiWorld, other: ApiWorld, method: str, action: str, body: object
) -> None:
    ep = call(world, "GET", "/admin/webhooks/endpoints", session_token(world)).json()[0]
    path = f"/admin/webhooks/endpoints/{ep['endpoint_id']}/{action}"
    reply = call(other, method, path, session_token(other), body)
    assert reply.status == 404
    still = call(world, "GET", "/admin/webhooks/endpoints", session_token(world)).json()[0]
    assert still == ep
