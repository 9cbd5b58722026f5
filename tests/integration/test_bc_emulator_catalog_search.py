"""The emulator's product search answers as the catalog spec's `GET /v3/catalog/products`:
keyword filtering, `include_fields`, and refusals of values outside the spec."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from devstack.bc_emulator import BigCommerceEmulator

STORE, TOKEN = "abc123", "store-token"
PRODUCTS = f"/stores/{STORE}/v3/catalog/products"


@pytest.fixture
def http() -> httpx.Client:
    emu = BigCommerceEmulator(client_id="our-client", client_secret="secret")
    emu.create_store(STORE, access_token=TOKEN)
    emu.add_product(STORE, product_id=111, name="Coffee beans", price=Decimal("12.50"))
    emu.add_product(STORE, product_id=222, name="Mug", price=Decimal("8"), sku="MUG-RED")
    emu.add_product(STORE, product_id=333, name="Decaf coffee", price=Decimal("11"))
    return httpx.Client(
        transport=emu.transport(), base_url="https://bc.test", headers={"X-Auth-Token": TOKEN}
    )


def test_a_keyword_finds_the_products_whose_name_or_sku_holds_it_in_id_order(
    http: httpx.Client,
) -> None:
    # Given three products / When the merchant searches by name and by SKU
    coffee = http.get(PRODUCTS, params={"keyword": "COFFEE", "keyword_context": "merchant"})
    by_sku = http.get(PRODUCTS, params={"keyword": "mug-red"})
    # Then each answer holds the matching products, paged as the spec describes
    assert coffee.status_code == 200
    assert [p["id"] for p in coffee.json()["data"]] == [111, 333]
    assert coffee.json()["meta"]["pagination"]["total"] == 2
    assert [p["name"] for p in by_sku.json()["data"]] == ["Mug"]


def test_include_fields_answers_the_id_and_the_named_fields_only(http: httpx.Client) -> None:
    # When
    reply = http.get(PRODUCTS, params={"keyword": "mug", "include_fields": "name,price"})
    # Then
    assert reply.json()["data"] == [{"id": 222, "name": "Mug", "price": 8.0}]


@pytest.mark.parametrize(
    "params",
    [{"keyword_context": "everyone"}, {"limit": "251"}, {"include_fields": "secret_field"}],
)
def test_values_outside_the_spec_are_refused(http: httpx.Client, params: dict[str, str]) -> None:
    # When
    reply = http.get(PRODUCTS, params={"keyword": "mug", **params})
    # Then BigCommerce's v3 error shape comes back, not a list
    assert reply.status_code == 400
    assert "data" not in reply.json() and reply.json()["status"] == 400
