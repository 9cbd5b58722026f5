"""The opaque cursor of a store's own listings: the last sort key handed out, bound to its store."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from .subscription_reads import InvalidCursor


def encode(sk: str, store_hash: str) -> str:
    raw = json.dumps({"s": store_hash, "k": sk}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, store_hash: str, *, valid_key: Callable[[str], bool]) -> str:
    """The sort key to start after. Another store's cursor would start the query in the right
    partition anyway, but it is refused all the same: a cursor is only good where it was
    handed out, and only for a key of the listing's own shape."""
    refused = InvalidCursor("cursor is not one this listing handed out")
    try:
        doc: Any = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise refused from exc
    if not isinstance(doc, dict) or doc.get("s") != store_hash:
        raise refused
    sk = doc.get("k")
    if not isinstance(sk, str) or not valid_key(sk):
        raise refused
    return sk
