"""Swapping a line's variant through the admin API: validated against BigCommerce's catalog,
priced from it at swap time, effective from the next renewal, on the whole topology. The
refusals (unknown variant or product, invalid body, another store's subscription) and the
catalog's second page run on the in-memory container: `tests/api/test_variant_swap_api.py`."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from .admin_api_client import call, session_token
from .world import PRODUCT_ID, World


def _subscribed(world: World) -> str:
    world.subscribe()
    [sub] = world.of_kind("subscription")
    return str(sub["subscription_id"])


def _swap(world: World, sub_id: str, body: dict[str, Any], token: str | None = None) -> Any:
    token = token or session_token(world)
    return call(world, "POST", f"/admin/subscriptions/{sub_id}/variant", token, body)


def test_a_swapped_variant_renews_at_its_catalog_price_from_the_next_renewal(
    world: World,
) -> None:
    # Given a subscriber and a larger bag offered as a variant of the product
    sub_id = _subscribed(world)
    large = world.emulator.add_variant(
        world.store_hash, PRODUCT_ID, price=Decimal("40.00"), sku="BEANS-1KG", label="1 kg"
    )
    # When the merchant swaps the line to it
    reply = _swap(world, sub_id, {"product_id": PRODUCT_ID, "variant_id": large})
    # Then the line holds the variant at the catalog's price, announced as an update
    assert reply.status == 200, reply.body
    [line] = reply.json()["lines"]
    assert line["variant_id"] == large and Decimal(line["price_inc_tax"]) == Decimal("40.00")
    [event] = [
        json.loads(e["envelope"])
        for e in world.of_kind("event")
        if e["type"] == "subscription.updated"
    ]
    assert event["data"]["changes"]["variant_id"] == [None, large]
    # And a later catalog price change does not move the locked price
    world.emulator.stores[world.store_hash].variants[PRODUCT_ID][large]["price"] = Decimal("99")
    world.renew()
    [order] = world.renewal_orders()
    [product] = world.emulator.stores[world.store_hash].lines[order["id"]]
    assert product["variant_id"] == large
    assert Decimal(product["price_inc_tax"]) == Decimal("40.00")
