"""A store's storefront as a signed-in shopper sees it: sign-in, the account page with the
scripts apps registered through the Scripts API, and `/customer/current.jwt`.

One emulator serves every store, so the shopper's cookie names the store as well. Passwords
are not emulated: signing in with a customer's email is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import html
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask, Response, redirect, request

from .responses import v3_error

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator
    from .state import Store

COOKIE = "SHOP_SESSION_TOKEN"
PAGE_VISIBILITY = ("storefront", "all_pages")  # an account page is neither checkout nor receipt


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add `/login.php`, `/account.php` and `/customer/current.jwt` to `app`."""

    @app.route("/login.php", methods=["GET", "POST"])
    def login() -> Any:
        if request.args.get("action") == "logout":
            response = redirect("/login.php")
            response.delete_cookie(COOKIE)
            return response
        if request.method == "GET":
            return _page("Sign in", _LOGIN_FORM)
        store_hash, email = request.form.get("store", ""), request.form.get("email", "")
        with emu.lock:
            store = emu.stores.get(store_hash)
            found = [c.id for c in (store.customers.values() if store else []) if c.email == email]
        if not found:
            return _page("Sign in", "<p role=alert>No account with that email.</p>" + _LOGIN_FORM)
        response = redirect("/account.php")
        response.set_cookie(COOKIE, _session(emu, store_hash, found[0]), httponly=True)
        return response

    @app.get("/account.php")
    def account() -> Any:
        shopper = _shopper(emu)
        if shopper is None:
            return redirect("/login.php")
        store_hash, customer_id = shopper
        with emu.lock:
            store = emu.stores[store_hash]
            email = store.customers[customer_id].email
            head, footer = _script_tags(emu, store, "head"), _script_tags(emu, store, "footer")
        body = (
            f"<header><strong>{html.escape(store_hash)}</strong> · signed in as "
            f'{html.escape(email)} · <a href="/login.php?action=logout">Sign out</a></header>'
            '<main class="account"><h1>Your account</h1>'
            "<nav><a>Orders</a> · <a>Addresses</a> · <a>Payment methods</a></nav>"
            '<section class="account-body"></section></main>'
        )
        return _page("Your account", body, head=head, footer=footer)

    @app.get("/customer/current.jwt")
    def current_customer() -> Any:
        # As the storefront answers its own shopper: the JWT as plain text, for the app named.
        if not request.args.get("app_client_id"):
            return v3_error(400, "app_client_id is required")
        shopper = _shopper(emu)
        if shopper is None or request.args["app_client_id"] != emu.client_id:
            return v3_error(404, "No customer is signed in")
        token = emu.current_customer_jwt(*shopper)
        return Response(token, status=200, mimetype="text/plain")


_LOGIN_FORM = (
    '<form method="post" action="/login.php">'
    '<label>Store <input name="store" autocomplete="off"></label> '
    '<label>Email <input name="email" type="email"></label> '
    "<button>Sign in</button></form>"
)


def _page(title: str, body: str, *, head: str = "", footer: str = "") -> Response:
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
        "header{margin-bottom:1rem;color:#555}</style>"
        f"{head}</head><body>{body}{footer}</body></html>"
    )
    return Response(page, mimetype="text/html")


def _script_tags(emu: BigCommerceEmulator, store: Store, location: str) -> str:
    """The enabled storefront scripts of the store's first channel placed at `location`."""
    tags = []
    for script in store.scripts.values():
        if not script["enabled"] or script["visibility"] not in PAGE_VISIBILITY:
            continue
        if script["location"] != location or script["channel_id"] != 1:
            continue
        if script["kind"] == "script_tag":
            tags.append(script["html"])
            continue
        attrs = {"default": "", "async": " async", "defer": " defer"}[script["load_method"]]
        if hashes := script.get("integrity_hashes"):
            attrs += f' integrity="{html.escape(" ".join(hashes))}" crossorigin="anonymous"'
        src = html.escape(_reachable(emu, script["src"]))
        tags.append(f'<script src="{src}"{attrs}></script>')
    return "".join(tags)


def _session(emu: BigCommerceEmulator, store_hash: str, customer_id: int) -> str:
    value = f"{store_hash}.{customer_id}"
    mac = hmac.new(emu.client_secret.encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"{value}.{mac}"


def _shopper(emu: BigCommerceEmulator) -> tuple[str, int] | None:
    """The signed-in shopper (store, customer) of this browser, if the customer still exists."""
    store_hash, _, rest = request.cookies.get(COOKIE, "").partition(".")
    customer, _, _mac = rest.partition(".")
    if not customer.isdigit() or not hmac.compare_digest(
        _session(emu, store_hash, int(customer)), request.cookies.get(COOKIE, "")
    ):
        return None
    with emu.lock:
        store = emu.stores.get(store_hash)
        if store is None or int(customer) not in store.customers:
            return None
    return store_hash, int(customer)


def _reachable(emu: BigCommerceEmulator, src: str) -> str:
    """`src` with its origin swapped for where that host is served on this machine, if the
    emulator was told (it stands in for DNS: the app's public host resolves nowhere here)."""
    parts = urlsplit(src)
    local = emu.app_hosts.get(f"{parts.scheme}://{parts.netloc}")
    return src if local is None else local + src[len(parts.scheme) + 3 + len(parts.netloc) :]
