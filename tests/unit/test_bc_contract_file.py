"""The committed BigCommerce contract: facts only, regenerable, and covering every client call."""

from __future__ import annotations

import contextlib
import inspect
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from bc_subscriptions.adapters.bigcommerce import HttpBigCommerce
from bc_subscriptions.adapters.bigcommerce.oauth import HttpOAuthClient
from bc_subscriptions.ports.bigcommerce import (
    Address,
    BigCommerceError,
    MetafieldWrite,
    ModifierValue,
    NewOrder,
    NewOrderLine,
)
from bc_subscriptions.services.storefront_script import portal_script
from devstack.bc_contract import CONTRACT_FILE, load_contract
from devstack.bc_emulator.contract import contract

DOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "bigcommerce-docs"
PROSE = {"description", "summary", "example", "examples", "title", "externalDocs"}


def _keys(node: Any, inside_properties: bool = False) -> set[str]:
    """Every keyword used in the file, field names under `properties` excepted."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if not inside_properties:
                found.add(key)
            found |= _keys(value, key == "properties" and not inside_properties)
    elif isinstance(node, list):
        for item in node:
            found |= _keys(item)
    return found


def test_the_committed_contract_loads_and_holds_no_prose() -> None:
    # Given / When the committed file is loaded
    loaded = load_contract()
    # Then it has endpoints and webhooks, and no prose or vendor keyword anywhere
    assert loaded["endpoints"] and loaded["webhooks"]
    keywords = _keys(loaded)
    assert not keywords & PROSE
    assert not [k for k in keywords if k.startswith("x-")]


def test_every_endpoint_states_its_responses_per_status_code() -> None:
    # Given the committed contract
    endpoints = load_contract()["endpoints"]
    # Then every endpoint names method, path and at least one success status
    for key, facts in endpoints.items():
        assert key == f"{facts['method']} {facts['path']}"
        assert any(status.startswith("2") for status in facts["responses"]), key


def _recorded_client_calls() -> list[tuple[str, str]]:
    """Every method of the client, called once against a transport that only records."""
    sent: list[tuple[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, request.url.path))
        return httpx.Response(204)

    client = HttpBigCommerce(
        api_url="https://api.test",
        payments_url="https://payments.test",
        token_provider=lambda store_hash: "token",
        transport=httpx.MockTransport(answer),
        max_attempts=1,
    )
    for name, call in _CALLS.items():
        before = len(sent)
        # The empty answers do not parse; only the requests matter here.
        with contextlib.suppress(BigCommerceError):
            call(client)
        assert len(sent) > before, name
    oauth = HttpOAuthClient(
        login_url="https://login.test",
        client_id="id",
        client_secret="secret",
        redirect_uri="https://app.test/auth",
        transport=httpx.MockTransport(answer),
    )
    with pytest.raises(BigCommerceError):
        oauth.exchange_code("code", "store_v2_orders", "stores/abc")
    return sent


def _field() -> MetafieldWrite:
    return MetafieldWrite(namespace="n", key="k", value="{}", permission_set="app_only")


def _order() -> NewOrder:
    line = NewOrderLine(
        product_id=1, quantity=1, price_ex_tax=Decimal("1.00"), price_inc_tax=Decimal("1.00")
    )
    return NewOrder(
        customer_id=1,
        billing_address=Address(first_name="A", zip="1", country_iso2="US"),
        products=[line],
        external_source="app",
        external_order_id="sub-c2",
    )


S = "abc"
_CALLS: dict[str, Any] = {
    "get_order": lambda c: c.get_order(S, 1),
    "search_products": lambda c: c.search_products(S, "coffee", limit=20),
    "get_order_products": lambda c: c.get_order_products(S, 1),
    "get_order_shipping_addresses": lambda c: c.get_order_shipping_addresses(S, 1),
    "list_orders_modified_since": lambda c: c.list_orders_modified_since(
        S, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", page=1, limit=50
    ),
    "get_product_metafields": lambda c: c.get_product_metafields(S, 1, "n", "k"),
    "get_product_variants": lambda c: c.get_product_variants(S, 1),
    "put_product_metafield": lambda c: (
        c.put_product_metafield(S, 1, _field(), None),
        c.put_product_metafield(S, 1, _field(), 7),
    ),
    "list_product_modifiers": lambda c: c.list_product_modifiers(S, 1),
    "put_dropdown_modifier": lambda c: (
        c.put_dropdown_modifier(S, 1, "Deliver", [ModifierValue(label="Monthly")], None),
        c.put_dropdown_modifier(S, 1, "Deliver", [ModifierValue(id=3, label="Monthly")], 5),
    ),
    "find_orders_by_external_id": lambda c: c.find_orders_by_external_id(S, "sub-c2"),
    "create_order": lambda c: c.create_order(S, _order()),
    "update_order_status": lambda c: c.update_order_status(S, 1, 11),
    "create_payment_access_token": lambda c: c.create_payment_access_token(S, 1),
    "process_stored_payment": lambda c: c.process_stored_payment(
        S, "pat", "t" * 64, "stripe.card", instrument_type="stored_card"
    ),
    "get_order_with_consignments": lambda c: c.get_order_with_consignments(S, 1),
    "tag_order": lambda c: c.tag_order(S, 1, "bc_subscriptions", "sub-c2", "{}"),
    "find_orders_by_metafield": lambda c: c.find_orders_by_metafield(S, "bc_subscriptions", "k"),
    "list_payment_methods": lambda c: c.list_payment_methods(S, 1),
    "list_stored_instruments": lambda c: c.list_stored_instruments(S, 1),
    "customer_exists": lambda c: c.customer_exists(S, 1),
    "find_customers": lambda c: c.find_customers(S, ids=[1], emails=["a@example.com"]),
    "list_order_transactions": lambda c: c.list_order_transactions(S, 1),
    "request_payment_action": lambda c: (
        c.request_payment_action(S, 1, "capture"),
        c.request_payment_action(S, 1, "void"),
    ),
    "create_webhook": lambda c: c.create_webhook(S, "store/order/created", "https://a.test", {}),
    "list_webhooks": lambda c: c.list_webhooks(S),
    "update_webhook": lambda c: c.update_webhook(S, 1, {}),
    "list_scripts": lambda c: c.list_scripts(S),
    "create_script": lambda c: c.create_script(S, portal_script("https://a.test", "id")),
    "update_script": lambda c: c.update_script(
        S, "03805148-a592-4803-9482-e91fe5c1be12", portal_script("https://a.test", "id")
    ),
}


def test_every_call_the_client_makes_has_an_endpoint_in_the_contract() -> None:
    # Given every public call of the client (a new one must be listed here to pass)
    public = {
        name
        for name, _ in inspect.getmembers(HttpBigCommerce, inspect.isfunction)
        if not name.startswith("_") and name not in {"close", "rest_quota"}  # no request
    }
    assert public == set(_CALLS)
    # When each is made once
    sent = _recorded_client_calls()
    # Then each request's method and path match an endpoint of the committed contract
    missing = [(m, p) for m, p in sent if contract().endpoint(m, p) is None]
    assert not missing
    assert ("POST", "/oauth2/token") in sent


@pytest.mark.skipif(not DOCS.is_dir(), reason="BigCommerce's docs checkout is not beside the repo")
def test_regenerating_from_the_docs_gives_the_committed_file() -> None:
    # Given the docs checkout the contract was derived from
    from devstack.bc_contract.generate import derive, render

    # When the contract is derived again
    text = render(derive(DOCS))
    # Then it is byte for byte the committed file
    assert text == CONTRACT_FILE.read_text(encoding="utf-8")
