"""Swapping a line's variant through the admin API: validated against BigCommerce's catalog,
priced from it at swap time, effective from the next renewal. On the in-memory container;
`tests/integration/test_variant_swap_api.py` keeps the swap through a renewal on the whole
topology."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .client import call, session_token
from .world import PRODUCT_ID, ApiStack, ApiWorld


@pytest.fixture
def other(stack: ApiStack) -> ApiWorld:
    return ApiWorld.create(stack)


def _subscribed(world: ApiWorld) -> str:
    world.subscribe()
    [sub] = world.of_kind("subscription")
    return str(sub["subscription_id"])


def _swap(world: ApiWorld, sub_id: str, body: dict[str, Any], token: str | None = None) -> Any:
    token = token or session_token(world)
    return call(world, "POST", f"/admin/subscriptions/{sub_id}/variant", token, body)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"product_id": PRODUCT_ID, "variant_id": 999_999}, "variant_not_offered"),
        ({"product_id": 222, "variant_id": 1}, "domain_error"),
    ],
)
def test_an_unknown_variant_or_product_is_refused_and_nothing_is_written(
    world: ApiWorld, body: dict[str, Any], code: str
) -> None:
    # Given a subscriber
    sub_id = _subscribed(world)
    before = world.items()
    # When the merchant asks for a variant the product does not have, or another product's
    reply = _swap(world, sub_id, body)
    # Then it is refused with a machine-readable code, and nothing changes
    assert reply.status == 409 and reply.json()["error"] == code
    assert world.items() == before


def test_an_invalid_body_is_refused(world: ApiWorld) -> None:
    sub_id = _subscribed(world)
    before = world.items()
    reply = _swap(world, sub_id, {"product_id": PRODUCT_ID, "variant_id": 0, "x": 1})
    assert reply.status == 422 and reply.json()["error"] == "invalid_request"
    assert world.items() == before


def test_swapping_another_stores_subscription_is_not_found(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given another store's subscriber and a variant in that store
    theirs = _subscribed(other)
    variant = other.emulator.add_variant(
        other.store_hash, PRODUCT_ID, price=Decimal("40.00"), sku="BEANS-1KG", label="1 kg"
    )
    before = other.items()
    # When this store's merchant tries to swap it
    reply = _swap(world, theirs, {"product_id": PRODUCT_ID, "variant_id": variant})
    # Then it is not found and nothing changes
    assert reply.status == 404
    assert other.items() == before


def test_a_variant_beyond_the_first_page_of_the_catalog_can_be_swapped_to(world: ApiWorld) -> None:
    # Given a product with more variants than BigCommerce lists on one page (250)
    sub_id = _subscribed(world)
    variants = [
        world.emulator.add_variant(
            world.store_hash, PRODUCT_ID, price=Decimal("30.00"), sku=f"B-{n}", label=f"{n} g"
        )
        for n in range(260)
    ]
    # When the merchant swaps the line to the last one
    reply = _swap(world, sub_id, {"product_id": PRODUCT_ID, "variant_id": variants[-1]})
    # Then it is found on the second page and locked at its price
    assert reply.status == 200, reply.body
    [line] = reply.json()["lines"]
    assert line["variant_id"] == variants[-1] and Decimal(line["price_inc_tax"]) == Decimal("30.00")
