"""The merchant picks a product for a plan by searching their BigCommerce catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from ..ports.bigcommerce import CatalogProduct, CatalogSearch
    from ..ports.storage import PlanCache

MAX_RESULTS = 50


class CatalogMatch(msgspec.Struct, frozen=True):
    """A product found, and what our plan cache knows of its plan (None: never read yet)."""

    product: CatalogProduct
    has_plan: bool | None


def search_catalog(
    store_hash: str, keyword: str, *, catalog: CatalogSearch, plans: PlanCache, limit: int
) -> list[CatalogMatch]:
    """The first products BigCommerce finds for `keyword`, each marked by whether it is
    subscribable as far as the cache knows; the plan editor reads BigCommerce afresh."""
    found = catalog.search_products(store_hash, keyword, limit=min(limit, MAX_RESULTS))
    cached = plans.get_many(store_hash, [p.id for p in found])
    return [
        CatalogMatch(p, None if p.id not in cached else cached[p.id].plan is not None)
        for p in found
    ]
