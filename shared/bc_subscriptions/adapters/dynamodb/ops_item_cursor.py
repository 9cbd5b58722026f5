"""The opaque cursor of the ops item list: the last sort key handed out, bound to its store.

Shared by the DynamoDB and in-memory adapters so both refuse the same cursors."""

from __future__ import annotations

import re

from . import store_cursor

OPS_PREFIX = "OPS#"
# OPS#<timestamp to the second>#<ULID>, as DynamoOpsEvents writes it.
_SK = re.compile(r"OPS#\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ#[0-9A-HJKMNP-TV-Z]{26}")


def encode(sk: str, store_hash: str) -> str:
    return store_cursor.encode(sk, store_hash)


def decode(cursor: str, store_hash: str) -> str:
    """The sort key to start after, from a cursor this listing handed out for this store."""
    return store_cursor.decode(cursor, store_hash, valid_key=lambda sk: bool(_SK.fullmatch(sk)))


def item_id(sk: str) -> str:
    """The item's id: the ULID at the end of its sort key."""
    return sk.rsplit("#", 1)[-1]
