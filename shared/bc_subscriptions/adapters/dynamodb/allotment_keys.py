"""Keys of allotment items: the grant's partition (`ALLOT#{store}#{grant}`: META, debits,
events), its link in the store's partition (found by customer), and the refresh index rows.
"""

from __future__ import annotations

from datetime import datetime

from .keys import shard_of, timestamp

DEBIT = "DEBIT#"
LINK = "ALLOTMENT#C"


def debit_sk(debit_id: str) -> str:
    return f"{DEBIT}{debit_id}"


def link_prefix(customer_id: int | None) -> str:
    """The store partition's grant links: all of them, or one customer's."""
    return LINK if customer_id is None else f"{LINK}{customer_id:012d}#"


def link_sk(customer_id: int, grant_id: str) -> str:
    return f"{link_prefix(customer_id)}{grant_id}"


def grant_of_link(sk: str) -> str:
    return sk.rsplit("#", 1)[1]


ORDER_DEBIT = "ALLOTMENT#"  # in the order's partition, beside its subscription link


def order_debit_sk(grant_id: str) -> str:
    return f"{ORDER_DEBIT}{grant_id}"


def due_pk(store_hash: str, shard: int) -> str:
    # In the DueIndex beside the subscriptions' `DUE#` partitions, never mixed with them.
    return f"ALLOTDUE#{store_hash}#{shard}"


def due_keys(store_hash: str, grant_id: str, due_at: datetime, shards: int) -> tuple[str, str]:
    """Sparse refresh index keys: per-store sharded partitions, time-ordered sort key."""
    return due_pk(store_hash, shard_of(grant_id, shards)), f"{timestamp(due_at)}#{grant_id}"
