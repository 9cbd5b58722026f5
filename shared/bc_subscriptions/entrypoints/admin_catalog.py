"""Admin route that searches the store's BigCommerce catalog, for the plan screen's picker."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from ..bootstrap import container
from ..observability import logger
from ..ports.bigcommerce import BigCommerceError
from ..services.catalog_search import MAX_RESULTS, CatalogMatch, search_catalog
from .admin_auth import session_store
from .api_base import ApiModel
from .responses import error

router = Router()  # type: ignore[no-untyped-call]


class CatalogProductView(ApiModel):
    product_id: int
    name: str
    sku: str
    price: Decimal
    is_visible: bool
    has_plan: bool | None

    @classmethod
    def of(cls, m: CatalogMatch) -> CatalogProductView:
        p = m.product
        return cls(
            product_id=p.id,
            name=p.name,
            sku=p.sku,
            price=p.price,
            is_visible=p.is_visible,
            has_plan=m.has_plan,
        )


class CatalogSearchResult(ApiModel):
    items: list[CatalogProductView]


class CatalogUnavailable(Exception):
    """BigCommerce did not answer the search."""


@router.exception_handler(CatalogUnavailable)  # type: ignore[untyped-decorator]
def _unavailable(_: CatalogUnavailable) -> Response[str]:
    return error(502, "bigcommerce_unavailable", "BigCommerce did not answer; try again")


@router.get("/admin/catalog/products")
def search_products(
    keyword: Annotated[str, Query(min_length=1, max_length=100, pattern=r"\S")],
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS)] = 20,
) -> CatalogSearchResult:
    """Products whose name, SKU, description or brand match `keyword`; `has_plan` is null for
    a product whose plan was never read. `502 bigcommerce_unavailable` when BigCommerce fails."""
    store_hash, c = session_store(router.current_event.headers), container()
    try:
        found = search_catalog(
            store_hash, keyword.strip(), catalog=c.bigcommerce, plans=c.plan_cache, limit=limit
        )
    except BigCommerceError as failed:
        logger.warning("catalog search failed", status=failed.status)
        raise CatalogUnavailable from failed
    return CatalogSearchResult(items=[CatalogProductView.of(m) for m in found])
