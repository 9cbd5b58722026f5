"""The emulator's storefront: sign-in, the account page's scripts, and the shopper's token."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.services.customer_jwt import verify_customer_jwt
from devstack.bc_emulator import BigCommerceEmulator

STORE, SECRET, CLIENT = "shop1", "storefront-secret", "storefront-client"


@pytest.fixture
def emu() -> BigCommerceEmulator:
    emu = BigCommerceEmulator(client_id=CLIENT, client_secret=SECRET)
    emu.create_store(STORE, access_token="t", gateway_mode="purchase")
    emu.add_product(STORE, product_id=1, name="Beans", price=Decimal("1.00"))
    return emu


def _script(uuid: str, **fields: Any) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "name": uuid,
        "api_client_id": CLIENT,
        "kind": "src",
        "src": f"https://app.example.test/{uuid}.js",
        "load_method": "default",
        "location": "footer",
        "visibility": "storefront",
        "enabled": True,
        "channel_id": 1,
        "auto_uninstall": True,
        **fields,
    }


def _signed_in(emu: BigCommerceEmulator, email: str) -> Any:
    browser = emu.wsgi_app.test_client()
    reply = browser.post("/login.php", data={"store": STORE, "email": email})
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/account.php")
    return browser


def test_the_account_page_places_each_enabled_storefront_script_as_it_asked(
    emu: BigCommerceEmulator,
) -> None:
    # Given scripts in the head and footer, deferred, disabled, for checkout only, a script tag
    emu.add_customer(STORE, email="ada@example.com")
    scripts = emu.stores[STORE].scripts
    for script in (
        _script("head", location="head", load_method="async"),
        _script("deferred", load_method="defer"),
        _script("off", enabled=False),
        _script("checkout", visibility="checkout"),
        _script("tag", kind="script_tag", src=None, html="<script>window.tag=1</script>"),
    ):
        scripts[script["uuid"]] = script
    emu.serve_app_host("https://app.example.test", "http://127.0.0.1:3000")
    # When the signed-in shopper opens their account page
    page = _signed_in(emu, "ada@example.com").get("/account.php").get_data(as_text=True)
    # Then each enabled storefront script is where it asked, loaded from where the app is served
    head, body = page.split("</head>")
    assert '<script src="http://127.0.0.1:3000/head.js" async></script>' in head
    assert '<script src="http://127.0.0.1:3000/deferred.js" defer></script>' in body
    assert "<script>window.tag=1</script>" in body
    assert "off.js" not in page and "checkout.js" not in page


def test_current_jwt_is_the_signed_in_shoppers_token_for_the_app(
    emu: BigCommerceEmulator,
) -> None:
    # Given a signed-in shopper
    ada = emu.add_customer(STORE, email="ada@example.com")
    browser = _signed_in(emu, "ada@example.com")
    # When the page asks for the shopper's token for our app, and for another app
    ours = browser.get(f"/customer/current.jwt?app_client_id={CLIENT}")
    other = browser.get("/customer/current.jwt?app_client_id=someone-else")
    # Then ours is plain text that verifies with the app's secret and names the shopper
    assert ours.status_code == 200 and ours.mimetype == "text/plain"
    shopper = verify_customer_jwt(
        ours.get_data(as_text=True), client_secret=SECRET, client_id=CLIENT, now=datetime.now(UTC)
    )
    assert (shopper.store_hash, shopper.customer_id) == (STORE, ada.id)
    assert other.status_code == 404


def test_a_guest_or_a_forged_session_gets_no_token_and_no_account_page(
    emu: BigCommerceEmulator,
) -> None:
    # Given two shoppers, and a browser that edits its session cookie to be the second one
    emu.add_customer(STORE, email="ada@example.com")
    bob = emu.add_customer(STORE, email="bob@example.com")
    guest = emu.wsgi_app.test_client()
    forger = _signed_in(emu, "ada@example.com")
    cookie = forger.get_cookie("SHOP_SESSION_TOKEN")
    _, _, mac = cookie.value.rpartition(".")
    forger.set_cookie("SHOP_SESSION_TOKEN", f"{STORE}.{bob.id}.{mac}")
    # When / Then neither gets a token, and the account page sends both to sign in
    for browser in (guest, forger):
        assert browser.get(f"/customer/current.jwt?app_client_id={CLIENT}").status_code == 404
        assert browser.get("/account.php").headers["Location"].endswith("/login.php")


def test_signing_in_with_an_unknown_email_is_refused(emu: BigCommerceEmulator) -> None:
    # Given / When
    reply = emu.wsgi_app.test_client().post("/login.php", data={"store": STORE, "email": "x@y.z"})
    # Then
    assert reply.status_code == 200 and "No account with that email." in reply.get_data(True)
    assert reply.headers.get("Set-Cookie") is None
