"""The operator's ops items (plans refused, routed cancels, overdue invoices...), listed."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..ports.ops_items import OpsItemPage, OpsItemReads

MAX_PAGE = 100


def list_ops_items(
    store_hash: str, *, reads: OpsItemReads, type_: str | None, cursor: str | None, limit: int
) -> OpsItemPage:
    """One page of the store's ops items, newest first, of one type when `type_` is given."""
    return reads.page(store_hash, type_=type_, cursor=cursor, limit=min(limit, MAX_PAGE))
