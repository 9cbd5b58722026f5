"""A webhook endpoint's life through the admin API on the whole topology: its secret sealed
with KMS, the relay delivering a subscription's event to it through the delivery queue and
logging the attempt, then rotate, disable, enable and replay. Bad bodies and another store's
endpoint are tried on the in-memory container (`tests/api/test_webhook_endpoints_api.py`), the
tenant config there too (`tests/api/test_tenant_config_api.py`)."""

from __future__ import annotations

from .admin_api_client import call, session_token
from .world import World


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
