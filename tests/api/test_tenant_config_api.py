"""The store's tenant config through the admin API (in-memory container): read, replace with a
preset, every invalid field listed with nothing written, and a session needed for it and for
the webhook endpoints. The endpoints themselves (sealed secrets, deliveries, replay) are tried
on the whole topology in `tests/integration/test_admin_settings_api.py`."""

from __future__ import annotations

from .client import call, session_token
from .world import ApiWorld


def test_config_get_and_put_with_a_preset(world: ApiWorld) -> None:
    token = session_token(world)
    assert call(world, "GET", "/admin/config", token).json()["preset"] == "standard"
    reply = call(world, "PUT", "/admin/config", token, {"preset": "lenient"})
    assert reply.status == 200 and reply.json()["dunning"]["final_action"] == "pause"
    assert call(world, "GET", "/admin/config", token).json()["preset"] == "lenient"


def test_an_invalid_config_is_422_with_every_error_and_nothing_written(world: ApiWorld) -> None:
    token = session_token(world)
    bad = {"preset": "lenient", "auth_window_days": -1, "nti_freshness_days": "soon"}
    reply = call(world, "PUT", "/admin/config", token, bad)
    assert (reply.status, reply.json()["error"]) == (422, "invalid_tenant_config")
    assert len(reply.json()["fields"]) == 2
    assert call(world, "GET", "/admin/config", token).json()["preset"] == "standard"


def test_config_and_endpoints_need_a_session(world: ApiWorld) -> None:
    for method, path in [
        ("GET", "/admin/config"),
        ("PUT", "/admin/config"),
        ("GET", "/admin/webhooks/endpoints"),
    ]:
        reply = call(world, method, path, None, {} if method == "PUT" else None)
        assert reply.status == 401, path
