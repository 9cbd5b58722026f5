"""Admin routes for the store's webhook endpoints, log and replay, on the whole topology:
their secrets are sealed with KMS and their deliveries go through the relay and the delivery
queue, none of which has an in-memory stand-in. The tenant config routes are tried on the
in-memory container (`tests/api/test_tenant_config_api.py`)."""

from __future__ import annotations

import pytest

from devstack.stack import LocalStack

from .admin_api_client import call, session_token
from .world import World


@pytest.fixture
def other(stack: LocalStack) -> World:
    return World.create(stack)


def test_endpoints_register_rotate_disable_enable_log_and_replay(world: World) -> None:
    # Given a merchant who registers a second endpoint through the API
    token = session_token(world)
    url = world.stack.urls["merchant"] + "/second"
    added = call(world, "POST", "/admin/webhooks/endpoints", token, {"url": url})
    assert added.status == 201 and added.json()["secret"].startswith("whsec_")
    ep = added.json()["endpoint"]["endpoint_id"]
    listed = call(world, "GET", "/admin/webhooks/endpoints", token).json()
    assert ep in [e["endpoint_id"] for e in listed]
    assert all("secret" not in e for e in listed)
    # When a subscription is created, its event is delivered and logged
    world.subscribe()
    base = f"/admin/webhooks/endpoints/{ep}"
    log = call(world, "GET", f"{base}/deliveries", token).json()
    assert [d["event_type"] for d in log] == ["subscription.created"]
    # Then rotate, disable, enable and replay work through the API
    rotated = call(world, "POST", f"{base}/rotate", token).json()["secret"]
    assert rotated != added.json()["secret"]
    assert call(world, "POST", f"{base}/disable", token).json() == {"status": "disabled"}
    refused = call(world, "POST", f"{base}/replay", token, {"event_ids": [log[0]["event_id"]]})
    assert (refused.status, refused.json()["error"]) == (409, "endpoint_disabled")
    enabled = call(world, "POST", f"{base}/enable", token).json()
    assert enabled["status"] == "enabled" and enabled["missed"] is not None
    replayed = call(world, "POST", f"{base}/replay", token, {"event_ids": [log[0]["event_id"]]})
    assert replayed.json() == {"queued": 1, "not_subscribed": 0, "unknown": []}


def test_invalid_endpoints_and_replay_bodies_are_422(world: World) -> None:
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
    world: World, other: World, method: str, action: str, body: object
) -> None:
    ep = call(world, "GET", "/admin/webhooks/endpoints", session_token(world)).json()[0]
    path = f"/admin/webhooks/endpoints/{ep['endpoint_id']}/{action}"
    reply = call(other, method, path, session_token(other), body)
    assert reply.status == 404
    still = call(world, "GET", "/admin/webhooks/endpoints", session_token(world)).json()[0]
    assert still == ep
