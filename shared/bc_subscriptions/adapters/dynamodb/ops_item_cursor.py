"""The opaque cursor of the ops item list: the last sort key handed out, bound to its store.

Shared by the DynamoDB and in-memory adapters so both refuse the same cursors."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from .subscription_reads import InvalidCursor

OPS_PREFIX = "OPS#"
# OPS#<timestamp to the second>#<ULID>, as DynamoOpsEvents writes it.
_SK = re.compile(r"OPS#\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ#[0-9A-HJKMNP-TV-Z]{26}")


def encode(sk: str, store_hash: str) -> str:
    raw = json.dumps({"s": store_hash, "k": sk}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, store_hash: str) -> str:
    """The sort key to start after; another store's cursor is refused even though the query
    would stay in this store's partition: a cursor is only good where it was handed out."""
    refused = InvalidCursor("cursor is not one this listing handed out")
    try:
        doc: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise refused from exc
    if not isinstance(doc, dict) or doc.get("s") != store_hash:
        raise refused
    sk = doc.get("k")
    if not isinstance(sk, str) or not _SK.fullmatch(sk):
        raise refused
    return sk


def item_id(sk: str) -> str:
    """The item's id: the ULID at the end of its sort key."""
    return sk.rsplit("#", 1)[-1]
