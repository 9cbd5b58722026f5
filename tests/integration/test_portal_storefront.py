"""What the storefront script needs from the portal API: the shopper's stored cards, and
answers a page on the store's own domain may read (CORS)."""

from __future__ import annotations

from typing import Any

from devstack.runtime import HttpResponse
from devstack.stack import APP_BASE_URL

from .world import World

STOREFRONT = "https://store.example.test"


def _call(world: World, method: str, path: str, headers: dict[str, str]) -> HttpResponse:
    return world.stack.runtime.http(method, path, b"", {"origin": STOREFRONT, **headers})


def _header(reply: HttpResponse, name: str) -> Any:
    return {k.lower(): v for k, v in reply.headers.items()}.get(name.lower())


def test_a_shopper_lists_their_stored_cards_with_the_token_to_choose_one(world: World) -> None:
    # Given a shopper with a subscription and a stored card
    customer, _ = world.subscribe()
    token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
    # When
    reply = _call(world, "GET", "/portal/payment-methods", {"authorization": f"Bearer {token}"})
    # Then the card is listed as BigCommerce stores it, token included
    assert reply.status == 200
    [card] = reply.json()["items"]
    assert card["token"] == customer.instrument_token
    assert (card["type"], card["brand"], card["last_4"], card["is_default"]) == (
        "stored_card",
        "visa",
        "4242",
        True,
    )


def test_listing_cards_without_a_customer_token_is_401(world: World) -> None:
    # Given / When
    reply = _call(world, "GET", "/portal/payment-methods", {})
    # Then
    assert (reply.status, reply.json()["error"]) == (401, "unauthorized")


def test_a_preflight_from_the_storefront_is_allowed_without_a_token(world: World) -> None:
    # Given / When the browser asks whether a storefront page may send the token
    reply = _call(
        world,
        "OPTIONS",
        "/portal/subscriptions/sub_x/cancel",
        {
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization",
        },
    )
    # Then it may, from any origin (the token in the header is the credential, no cookie)
    assert reply.status == 204
    assert _header(reply, "Access-Control-Allow-Origin") == "*"
    assert "authorization" in _header(reply, "Access-Control-Allow-Headers").lower()
    assert "POST" in _header(reply, "Access-Control-Allow-Methods")


def test_answers_and_refusals_alike_are_readable_by_the_storefront_page(world: World) -> None:
    # Given a shopper's token
    customer, _ = world.subscribe()
    token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
    # When the page lists subscriptions, and sends a forged token
    ok = _call(world, "GET", "/portal/subscriptions", {"authorization": f"Bearer {token}"})
    refused = _call(world, "GET", "/portal/subscriptions", {"authorization": "Bearer forged"})
    # Then both carry the header that lets the page read them (and show the refusal in words)
    assert ok.status == 200 and refused.status == 401
    assert _header(ok, "Access-Control-Allow-Origin") == "*"
    assert _header(refused, "Access-Control-Allow-Origin") == "*"
    # And no cookie is ever asked for
    assert _header(ok, "Access-Control-Allow-Credentials") is None


def test_the_registered_script_url_serves_the_storefront_bundle(world: World) -> None:
    # Given the script the install registered
    [script] = world.emulator.scripts(world.store_hash)
    path, _, query = script["src"].removeprefix(APP_BASE_URL).partition("?")
    # When the storefront loads it
    reply = world.stack.runtime.http("GET", path, query=dict([query.split("=")]))
    # Then it is the bundle, revalidated rather than cached as immutable (its URL has no digest)
    assert reply.status == 200
    assert _header(reply, "Content-Type").startswith("text/javascript")
    assert "My subscriptions" in reply.body
    assert _header(reply, "Cache-Control") == "no-cache"
