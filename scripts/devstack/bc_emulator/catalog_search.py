"""`GET /v3/catalog/products`: the store's products as the catalog lists them, filtered by
`keyword` and cut down to `include_fields` (the contract gate has already refused values
outside the spec's enums and a `limit` over 250)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def search(products: Iterable[dict[str, Any]], args: Mapping[str, str]) -> list[dict[str, Any]]:
    """Products in id order whose name or SKU holds every word of `keyword` (any case)."""
    words = (args.get("keyword") or "").lower().split()
    found = [
        _shown(p)
        for p in sorted(products, key=lambda p: int(p["id"]))
        if all(w in f"{p['name']} {p['sku']}".lower() for w in words)
    ]
    fields = [f for f in (args.get("include_fields") or "").split(",") if f]
    if not fields:
        return found
    # BigCommerce answers the id and the named fields only.
    return [{k: v for k, v in p.items() if k == "id" or k in fields} for p in found]


def _shown(product: dict[str, Any]) -> dict[str, Any]:
    price = float(product["price"])
    return {
        "id": product["id"],
        "name": product["name"],
        "type": "physical",
        "sku": product["sku"],
        "weight": 0,
        "price": price,
        "calculated_price": price,
        "is_visible": True,
        "availability": "available",
    }
