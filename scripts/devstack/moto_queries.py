"""DynamoDB queries on moto without sorting the whole table first.

moto 5.2.5's `Table.query` starts from `all_items()`, every item of the table sorted by key, and
only then keeps the partition asked for (or the index's matches) and sorts those again: each
query costs a sort of the whole table, which dominated a soak of a few hundred subscriptions. The
second sort alone decides the order (it ends on the table's own key, unique per item), so here a
query of the table starts from its one partition and a query of an index from the items in any
order; what it answers is what moto answers. A scan keeps moto's sorted walk (its pages depend on
that order).

Like `moto_transactions`, this is written against one moto release and refuses any other.
"""

from __future__ import annotations

import hashlib
import inspect
import threading
from collections.abc import Callable
from typing import Any

import moto
from moto.dynamodb.models.dynamo_type import Item
from moto.dynamodb.models.table import Table

from .moto_transactions import PINNED_MOTO, MotoChanged

MOTO_QUERY = Table.query
MOTO_ALL_ITEMS = Table.all_items
_SIGNATURE = inspect.signature(MOTO_QUERY)
_RELIED_ON_SHA256 = "c214d3ba7a7b15c7ed1e3ed531ebe1ca7437d9ef3f25cbd0c7782260308f99d9"
# The query being answered on this thread: (table, where its candidates come from).
_answering = threading.local()


def relied_on_digest() -> str:
    sources = "\n".join(inspect.getsource(fn) for fn in (MOTO_QUERY, MOTO_ALL_ITEMS))
    return hashlib.sha256(sources.encode()).hexdigest()


def install() -> None:
    """Replace moto's `Table.query` (once per process; every stack shares the class)."""
    if Table.query is _query:
        return
    if moto.__version__ != PINNED_MOTO or relied_on_digest() != _RELIED_ON_SHA256:
        raise MotoChanged(
            f"moto {moto.__version__} is installed; devstack/moto_queries.py replaces moto "
            f"{PINNED_MOTO}'s Table.query and must be checked against the new release"
        )
    Table.all_items = _all_items  # type: ignore[method-assign]
    Table.query = _query  # type: ignore[method-assign]


def _all_items(self: Table) -> list[Item]:
    scope = getattr(_answering, "scope", None)
    if scope is not None and scope[0] is self:
        candidates: Callable[[], list[Item]] = scope[1]
        return candidates()
    return MOTO_ALL_ITEMS(self)


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = _SIGNATURE.bind(self, hash_key, *args, **kwargs).arguments.get("index_name")
    if index_name:
        candidates = lambda: _unsorted(self)  # noqa: E731
    elif hash_key is not None:
        candidates = lambda: _partition(self, hash_key)  # noqa: E731
    else:
        return MOTO_QUERY(self, hash_key, *args, **kwargs)
    _answering.scope = (self, candidates)
    try:
        return MOTO_QUERY(self, hash_key, *args, **kwargs)
    finally:
        _answering.scope = None


def _partition(table: Table, hash_key: Any) -> list[Item]:
    found = table.items.get(hash_key)  # .get: a missing key must not leave an empty bucket
    if found is None:
        return []
    return list(found.values()) if table.range_key_attr else [found]  # type: ignore[list-item]


def _unsorted(table: Table) -> list[Item]:
    if not table.range_key_attr:
        return list(table.items.values())  # type: ignore[arg-type]
    return [item for bucket in table.items.values() for item in bucket.values()]
