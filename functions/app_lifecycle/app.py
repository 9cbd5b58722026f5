"""AppLifecycleFunction: BigCommerce's app callbacks `/auth`, `/load`, `/uninstall` and
`/remove_user`, and the control-panel app's files.

Five fixed routes, matched here: no router, so its package stays out of the cold start.
"""

import html
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints import app_shell
from bc_subscriptions.entrypoints.http_api import (
    Reply,
    error,
    header,
    json_reply,
    query,
    reply,
    route_key,
)
from bc_subscriptions.observability import logger
from bc_subscriptions.ports.bigcommerce import BigCommerceError
from bc_subscriptions.ports.storage import Install
from bc_subscriptions.services.admin_session import (
    SESSION_TTL_S,
    install_mark,
    mint_session_token,
)
from bc_subscriptions.services.app_lifecycle import (
    InstallCallbackRejected,
    install_from_callback,
    remove_user,
    uninstall,
)
from bc_subscriptions.services.signed_payload import (
    InvalidSignedPayload,
    verified_payload,
    verify_signed_payload,
)

Event = Mapping[str, Any]
# Built from web/admin and web/storefront by `make web`; packaged with this function.
ASSETS = Path(__file__).parent / "static"
STOREFRONT_ASSETS = Path(__file__).parent / "storefront"


def auth(event: Event) -> Reply:
    c, params = container(), query(event)
    try:
        result = install_from_callback(
            params.get("code", ""),
            params.get("scope", ""),
            params.get("context", ""),
            oauth=c.oauth,
            installs=c.installs,
            vault=c.vault,
            bc=c.bigcommerce,
            app_base_url=c.settings.app_base_url,
            client_id=c.settings.bc_client_id,
            now=c.clock.now(),
        )
    except InstallCallbackRejected as rejected:
        return _auth_refused(event, 400, rejected.code, rejected.message)
    except BigCommerceError as failed:
        logger.warning("OAuth code exchange failed", status=failed.status)
        if failed.status is not None and 400 <= failed.status < 500:
            refusal = "BigCommerce refused the authorization code"
            return _auth_refused(event, 401, "code_refused", refusal)
        reason = "BigCommerce did not answer; try again"
        return _auth_refused(event, 502, "bigcommerce_unavailable", reason)
    logger.info("store installed", store_hash=result.store_hash, hooks_created=result.hooks_created)
    # BigCommerce shows this answer in the control panel's iframe right after install: the
    # app itself, for the installing user, opening on its onboarding checklist.
    install = c.installs.get(result.store_hash)
    if install is None or result.installer_id is None or not app_shell.is_built(ASSETS):
        return _page(f"bc-subscriptions is installed on store {result.store_hash}.")
    return _shell(result.store_hash, result.installer_id, install, start="onboarding")


def load(event: Event) -> Reply:
    """The control-panel app's shell with a session for this store and user; a browser that
    cannot be let in gets a page saying to reload the app, a script gets JSON."""
    c = container()
    try:
        store_hash, claims = _signed_payload(event)
    except InvalidSignedPayload as invalid:
        logger.warning("signed payload rejected", code=invalid.code)
        reason = f"signed_payload_jwt: {invalid.code}"
        return _refused(event, None, "invalid_signed_payload", reason)
    install, user_id = c.installs.get(store_hash), _user_id(claims)
    if install is None or install.status != "installed":
        reason = "The app is not installed on this store."
        return _refused(event, store_hash, "not_installed", reason)
    if user_id is None:
        reason = "BigCommerce did not say which user opened the app."
        return _refused(event, store_hash, "no_user", reason)
    return _shell(store_hash, user_id, install)


def _shell(store_hash: str, user_id: int, install: Install, *, start: str | None = None) -> Reply:
    """The app's shell with a short-lived session for this user of this install; `start`
    names the screen it opens on when the page's address names none."""
    c = container()
    now = c.wall_clock.now()
    token = mint_session_token(
        store_hash,
        user_id,
        client_secret=c.client_secret(),
        now=now,
        install=install_mark(install),
    )
    boot: dict[str, Any] = {
        "store_hash": store_hash,
        "user_id": user_id,
        "session": token,
        "expires_at": int(now.timestamp()) + SESSION_TTL_S,
        "api_base": "",
    }
    if start is not None:
        boot["start"] = start
    return app_shell.shell_page(boot, assets=ASSETS, store_hash=store_hash)


def asset(event: Event, name: str) -> Reply:
    version = query(event).get("v")
    # The storefront script has its own folder: each build empties only its own.
    folder = STOREFRONT_ASSETS if name == "storefront.js" else ASSETS
    return app_shell.asset_response(folder, name, version)


def _auth_refused(event: Event, status: int, code: str, reason: str) -> Reply:
    # A code works once: a reloaded install frame lands here, and gets the way out, not JSON.
    # No store is verified yet, so the page names none (and carries nothing but the advice).
    if "text/html" in header(event, "accept"):
        return app_shell.reload_page(status, code, reason, None)
    return error(status, code, reason)


def _refused(event: Event, store_hash: str | None, code: str, reason: str) -> Reply:
    status = 401 if code == "invalid_signed_payload" else 403
    if "text/html" in header(event, "accept"):
        return app_shell.reload_page(status, code, reason, store_hash)
    return error(status, code, reason)


def uninstall_callback(event: Event) -> Reply:
    store_hash = _verified_store(event)
    if not isinstance(store_hash, str):
        return store_hash
    c = container()
    changed = uninstall(store_hash, installs=c.installs, now=c.clock.now())
    logger.info("store uninstalled", store_hash=store_hash, changed=changed)
    return json_reply(200, {"status": "uninstalled" if changed else "not_installed"})


def remove_user_callback(event: Event) -> Reply:
    """A store admin took a user's access to the app away: that user's sessions stop."""
    c = container()
    try:
        store_hash, claims = _signed_payload(event)
    except InvalidSignedPayload as invalid:
        logger.warning("signed payload rejected", code=invalid.code)
        return error(401, "invalid_signed_payload", f"signed_payload_jwt: {invalid.code}")
    user_id = _user_id(claims)
    if user_id is None:
        return error(400, "no_user", "signed_payload_jwt names no user")
    remove_user(store_hash, user_id, removed=c.removed_users, now=c.wall_clock.now())
    logger.info("store user removed", store_hash=store_hash, user_id=user_id)
    return json_reply(200, {"status": "removed"})


def _signed_payload(event: Event) -> tuple[str, dict[str, Any]]:
    """This callback's verified `signed_payload_jwt`: its store and its claims."""
    c = container()
    return verified_payload(
        query(event).get("signed_payload_jwt", ""),
        client_secret=c.client_secret(),
        client_id=c.settings.bc_client_id,
        now=c.wall_clock.now(),
    )


def _user_id(claims: dict[str, Any]) -> int | None:
    """The BigCommerce user the payload names, if it names one."""
    user = claims.get("user")
    user_id = user.get("id") if isinstance(user, dict) else None
    return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None


def _verified_store(event: Event) -> str | Reply:
    c = container()
    try:
        return verify_signed_payload(
            query(event).get("signed_payload_jwt", ""),
            client_secret=c.client_secret(),
            client_id=c.settings.bc_client_id,
            now=c.wall_clock.now(),
        )
    except InvalidSignedPayload as invalid:
        logger.warning("signed payload rejected", code=invalid.code)
        return error(401, "invalid_signed_payload", f"signed_payload_jwt: {invalid.code}")


def _page(text: str) -> Reply:
    body = f"<!doctype html><title>bc-subscriptions</title><p>{html.escape(text)}</p>"
    return reply(200, body, content_type="text/html; charset=utf-8")


ROUTES: dict[str, Callable[[Event], Reply]] = {
    "GET /auth": auth,
    "GET /load": load,
    "GET /uninstall": uninstall_callback,
    "GET /remove_user": remove_user_callback,
}
ASSET_ROUTE = "GET " + app_shell.ASSET_PREFIX


def route(event: Event) -> Reply:
    """The callback or file the request names; any other route is a JSON 404."""
    key = route_key(event)
    if key in ROUTES:
        return ROUTES[key](event)
    name = key.removeprefix(ASSET_ROUTE)
    if key.startswith(ASSET_ROUTE) and name and "/" not in name:
        return asset(event, name)
    return error(404, "not_found", "no such route")


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return route(event)
