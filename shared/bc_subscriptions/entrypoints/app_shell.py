"""The HTML `/load` answers: the control-panel app's shell, or a page asking to reload the app.

BigCommerce shows these in an iframe of the store's control panel. The iframe's document never
sees its own response headers, so the session the app needs is written into the page, as JSON
data (not script) the bundle reads at start. Only the store's control panel may frame the page.
"""

from __future__ import annotations

import hashlib
import html
import json
import mimetypes
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from .http_api import Reply, error, reply

ASSET_PREFIX = "/app/assets/"
BUNDLE = ("admin.js", "storefront.js")


class Asset(msgspec.Struct, frozen=True):
    body: str
    content_type: str
    digest: str


def frame_ancestors(store_hash: str | None) -> str:
    """The control panel's origins; any store's (None) only for pages that carry no session."""
    # The control panel lives on the store's own mybigcommerce host; deep links open it
    # through login.bigcommerce.com first. CSP allows a wildcard only as the leftmost label.
    host = f"store-{store_hash}" if store_hash else "*"
    return f"https://{host}.mybigcommerce.com https://login.bigcommerce.com"


def security_headers(store_hash: str | None) -> dict[str, str]:
    # A page for an unverified payload names no store yet; it holds nothing but the advice to
    # reload, so any store's control panel may show it (a refused frame would be blank).
    ancestors = frame_ancestors(store_hash)
    # styled-components (BigDesign's styling) writes <style> elements at run time.
    policy = (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        f"base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
    )
    return {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }


def shell_page(boot: dict[str, Any], *, assets: Path, store_hash: str) -> Reply:
    """The app shell; `boot` (store, session, its expiry) is read by the bundle at start."""
    js = load_asset(assets, "admin.js")
    if js is None:
        return reload_page(
            503, "app_not_built", "The app's files are missing from this deployment.", store_hash
        )
    # `<` escaped so no value can close the script element early.
    data = json.dumps(boot).replace("<", "\\u003c")
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Subscriptions</title>"
        f'<script type="application/json" id="bcs-boot">{data}</script>'
        f'<script type="module" src="{ASSET_PREFIX}admin.js?v={js.digest}"></script>'
        '</head><body><div id="root"></div></body></html>'
    )
    return _html(200, body, store_hash)


def reload_page(status: int, code: str, reason: str, store_hash: str | None) -> Reply:
    """What the iframe shows when the app cannot start: a reason and the way out, never blank."""
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Subscriptions</title>'
        "<style>body{font-family:system-ui,sans-serif;margin:3rem;color:#313440}"
        "h1{font-size:1.5rem}code{color:#5e637a}</style></head><body>"
        f'<main data-error="{html.escape(code)}"><h1>Please reload the app</h1>'
        f"<p>{html.escape(reason)}</p>"
        "<p>Open Subscriptions again from the Apps menu of your BigCommerce control panel.</p>"
        f"<p><code>{html.escape(code)}</code></p></main></body></html>"
    )
    return _html(status, body, store_hash)


def asset_response(assets: Path, name: str, version: str | None) -> Reply:
    asset = load_asset(assets, name) if name in BUNDLE else None
    if asset is None:
        return error(404, "not_found", f"no asset {name}")
    # A versioned URL names one build's bytes forever; an unversioned one may change.
    cache_control = "public, max-age=31536000, immutable" if version == asset.digest else "no-cache"
    return reply(
        200,
        asset.body,
        content_type=asset.content_type,
        headers={"Cache-Control": cache_control, "X-Content-Type-Options": "nosniff"},
    )


def is_built(assets: Path) -> bool:
    """Whether this deployment carries the control-panel app's bundle."""
    return load_asset(assets, "admin.js") is not None


def load_asset(assets: Path, name: str) -> Asset | None:
    path = assets / name
    try:
        return _read(path, path.stat().st_mtime_ns)
    except FileNotFoundError:
        return None


@cache
def _read(path: Path, _mtime_ns: int) -> Asset:
    # Read once per build (a rebuild changes the mtime); the bundle is text (JS and CSS).
    body = path.read_text(encoding="utf-8")
    kind = mimetypes.guess_type(path.name)[0] or "text/plain"
    return Asset(body, f"{kind}; charset=utf-8", hashlib.sha256(body.encode()).hexdigest()[:16])


def _html(status: int, body: str, store_hash: str | None) -> Reply:
    return reply(
        status, body, content_type="text/html; charset=utf-8", headers=security_headers(store_hash)
    )
