"""The control-panel app BigCommerce frames: its shell, its session and renewal, its files."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.admin_session import (
    MAX_SESSION_AGE_S,
    SESSION_TTL_S,
    mint_session_token,
)
from devstack.admin_openapi import DOCUMENT, rendered
from devstack.runtime import HttpResponse
from devstack.stack import APP_SCOPES
from devstack.template import REPO_ROOT

from .admin_api_client import boot_data, call, load_page
from .world import World

BUNDLE = REPO_ROOT / "functions" / "app_lifecycle" / "static" / "admin.js"


def _headers(reply: object) -> dict[str, str]:
    return {k.lower(): v for k, v in getattr(reply, "headers").items()}  # noqa: B009


def _browser_load(world: World, jwt: str) -> object:
    return world.stack.runtime.http(
        "GET", "/load", headers={"accept": "text/html"}, query={"signed_payload_jwt": jwt}
    )


def test_load_embeds_a_session_for_the_store_and_user_in_the_page_not_a_header(
    world: World,
) -> None:
    # Given / When the merchant opens the app
    page = load_page(world)
    # Then the page carries the store, the user and a session that expires in an hour
    boot = boot_data(page)
    now = int(container().wall_clock.now().timestamp())
    assert (boot["store_hash"], boot["user_id"]) == (world.store_hash, 1)
    assert now < boot["expires_at"] <= now + SESSION_TTL_S
    assert "x-bcs-session" not in _headers(page)
    # And the session works against the admin API
    reply = call(world, "GET", "/admin/subscriptions", boot["session"])
    assert reply.status == 200


def test_the_shell_is_only_frameable_by_the_stores_control_panel(world: World) -> None:
    # Given / When
    page = load_page(world)
    # Then the policy names this store's control panel and nothing else may frame it
    policy = _headers(page)["content-security-policy"]
    ancestors = policy.split("frame-ancestors ")[1].split(";")[0].split()
    assert f"https://store-{world.store_hash}.mybigcommerce.com" in ancestors
    assert all(a.startswith("https://") and "*" not in a for a in ancestors)
    assert "script-src 'self'" in policy
    assert _headers(page)["cache-control"] == "no-store"


def test_the_shell_links_the_bundle_by_its_digest_and_the_asset_route_serves_it(
    world: World,
) -> None:
    # Given the shell
    body = load_page(world).body
    version = body.split("/app/assets/admin.js?v=")[1].split('"')[0]
    # When the browser fetches the script it names
    reply = world.stack.runtime.http("GET", "/app/assets/admin.js", query={"v": version})
    # Then it is the built bundle, cacheable forever under that version
    assert reply.status == 200
    assert reply.body == BUNDLE.read_text(encoding="utf-8")
    assert _headers(reply)["content-type"].startswith("text/javascript")
    assert "immutable" in _headers(reply)["cache-control"]
    # And an unversioned fetch must revalidate
    plain = world.stack.runtime.http("GET", "/app/assets/admin.js")
    assert _headers(plain)["cache-control"] == "no-cache"


def test_only_the_bundle_is_served_from_the_asset_route(world: World) -> None:
    # Given / When files that are not the bundle are asked for
    for name in (
        "app.py",
        "..%2Fapp.py",
        "admin.js.map",
        "secrets.json",
        "../app.py",
        "x/admin.js",
    ):
        reply = world.stack.runtime.http("GET", f"/app/assets/{name}")
        # Then none is served
        assert (reply.status, reply.json()["error"]) == (404, "not_found"), name


def test_a_forged_or_expired_payload_in_a_browser_gets_a_reload_page(world: World) -> None:
    # Given payloads a browser could bring
    emu = world.emulator
    for jwt in (
        emu.signed_payload(world.store_hash, client_secret="not-the-secret"),
        emu.signed_payload(world.store_hash, lifetime_s=-3600),
        "",
    ):
        # When the iframe loads /load with it
        reply = _browser_load(world, jwt)
        # Then it shows a page saying to reload the app, never a blank frame, and no session
        assert reply.status == 401
        assert "Please reload the app" in reply.body
        assert 'data-error="invalid_signed_payload"' in reply.body
        assert "bcs-boot" not in reply.body
        # And any store's control panel may show it, so the frame is never blank
        policy = _headers(reply)["content-security-policy"]
        assert "frame-ancestors https://*.mybigcommerce.com " in policy


def _install(world: World, user_id: int) -> HttpResponse:
    """BigCommerce sends the installing user's browser, in the iframe, to `/auth`."""
    code = world.emulator.issue_auth_code(world.store_hash, user_id=user_id)
    query = {"code": code, "scope": APP_SCOPES, "context": f"stores/{world.store_hash}"}
    return world.stack.runtime.http("GET", "/auth", headers={"accept": "text/html"}, query=query)


def test_the_install_answer_is_the_app_opening_on_onboarding_for_the_installing_user(
    world: World,
) -> None:
    # Given / When store user 7 (not the owner) installs the app
    reply = _install(world, user_id=7)
    # Then the answer is the app's shell, asking to start on the onboarding checklist
    assert reply.status == 200
    boot = boot_data(reply)
    assert (boot["store_hash"], boot["user_id"]) == (world.store_hash, 7)
    assert boot["start"] == "onboarding"
    # And its session is short-lived and works against the admin API
    now = int(container().wall_clock.now().timestamp())
    assert now < boot["expires_at"] <= now + SESSION_TTL_S
    assert call(world, "GET", "/admin/onboarding", boot["session"]).status == 200
    # And only this store's control panel may frame it, and nothing caches it
    headers = _headers(reply)
    ancestors = headers["content-security-policy"].split("frame-ancestors ")[1].split(";")[0]
    assert f"https://store-{world.store_hash}.mybigcommerce.com" in ancestors.split()
    assert "*" not in ancestors and headers["cache-control"] == "no-store"
    assert "x-bcs-session" not in headers


def test_the_install_answers_session_ends_with_that_install(world: World) -> None:
    # Given the session the install answer carried
    first = boot_data(_install(world, user_id=1))["session"]
    # When the store authorizes the app again (a new install)
    second = boot_data(_install(world, user_id=1))["session"]
    # Then the first install's session is refused, and the new one works
    assert call(world, "GET", "/admin/subscriptions", first).status == 401
    assert call(world, "GET", "/admin/subscriptions", second).status == 200


def test_a_used_install_code_gets_no_session(world: World) -> None:
    # Given an install code already redeemed
    code = world.emulator.issue_auth_code(world.store_hash)
    query = {"code": code, "scope": APP_SCOPES, "context": f"stores/{world.store_hash}"}
    assert world.stack.runtime.http("GET", "/auth", query=query).status == 200
    # When the same answer is asked for again (the merchant reloads the frame)
    again = world.stack.runtime.http("GET", "/auth", query=query)
    # Then it is refused, and no session is handed out
    assert again.status == 401 and "bcs-boot" not in again.body
    # And a browser (the frame reloaded) is shown the way out rather than JSON
    framed = world.stack.runtime.http("GET", "/auth", headers={"accept": "text/html"}, query=query)
    assert framed.status == 401 and 'data-error="code_refused"' in framed.body
    assert "bcs-boot" not in framed.body


def test_an_uninstalled_store_gets_no_session(world: World) -> None:
    # Given the merchant uninstalled
    world.stack.runtime.http(
        "GET",
        "/uninstall",
        query={"signed_payload_jwt": world.emulator.uninstall_app(world.store_hash)},
    )
    # When a browser still opens the app
    reply = _browser_load(world, world.emulator.signed_payload(world.store_hash))
    # Then it is told to reload (reinstall), with no session in the page
    assert reply.status == 403 and 'data-error="not_installed"' in reply.body
    assert "bcs-boot" not in reply.body


def test_a_session_is_renewed_before_it_expires_and_keeps_its_store(world: World) -> None:
    # Given a session from /load
    old = boot_data(load_page(world))["session"]
    # When the app renews it
    reply = call(world, "POST", "/admin/session", old)
    # Then it gets a fresh token for the same store, which the API accepts
    assert reply.status == 200
    renewed = reply.json()
    now = int(container().wall_clock.now().timestamp())
    assert now < renewed["expires_at"] <= now + SESSION_TTL_S
    assert call(world, "GET", "/admin/subscriptions", renewed["token"]).status == 200


def test_renewal_is_refused_once_the_app_was_opened_too_long_ago(world: World) -> None:
    # Given a session whose /load was MAX_SESSION_AGE_S ago (renewed ever since)
    c = container()
    now = c.wall_clock.now()
    opened = int((now - timedelta(seconds=MAX_SESSION_AGE_S)).timestamp())
    token = mint_session_token(
        world.store_hash, 1, client_secret=c.client_secret(), now=now, auth_time=opened
    )
    # When the app renews it
    reply = call(world, "POST", "/admin/session", token)
    # Then it must be reopened from BigCommerce
    assert (reply.status, reply.json()["error"]) == (401, "unauthorized")
    assert "reload_required" in reply.json()["message"]


def test_renewal_is_refused_for_a_forged_expired_or_uninstalled_session(world: World) -> None:
    # Given sessions that must not be renewed
    c = container()
    now = c.wall_clock.now()
    forged = mint_session_token(world.store_hash, 1, client_secret="not-the-secret", now=now)
    expired = mint_session_token(
        world.store_hash, 1, client_secret=c.client_secret(), now=now - timedelta(hours=2)
    )
    for token in (forged, expired, None):
        # When renewal is asked
        reply = call(world, "POST", "/admin/session", token)
        # Then it is refused
        assert (reply.status, reply.json()["error"]) == (401, "unauthorized")
    # And once the store uninstalled, a valid session is not renewed either
    valid = boot_data(load_page(world))["session"]
    world.stack.runtime.http(
        "GET",
        "/uninstall",
        query={"signed_payload_jwt": world.emulator.uninstall_app(world.store_hash)},
    )
    reply = call(world, "POST", "/admin/session", valid)
    assert (reply.status, "not_installed" in reply.json()["message"]) == (401, True)


def test_the_apps_openapi_document_is_the_one_the_api_serves(world: World) -> None:
    # Given the document the app's TypeScript types are generated from
    committed = Path(DOCUMENT).read_text(encoding="utf-8")
    # When the API serves its document
    served = call(world, "GET", "/admin/openapi.json", None).json()
    # Then they are the same (regenerate: python -m devstack.admin_openapi, npm run api-types)
    assert committed == rendered(served)
