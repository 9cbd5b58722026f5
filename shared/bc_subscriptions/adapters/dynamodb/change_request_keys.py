"""Keys of change requests: in their subscription's partition, and in two sparse indexes only
while pending (the store's queue in OpsQueueIndex, the expiry sweep's in AuthExpiryIndex)."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from . import keys

REQUEST_PREFIX = "CHANGEREQ#"
OPS_CHANGE_REQUESTS = "change_requests"
EXPIRY_SHARDS = 4


def request_sk(request_id: str) -> str:
    return f"{REQUEST_PREFIX}{request_id}"


def queue_keys(
    store_hash: str, subscription_id: str, request_id: str, expires_at: datetime
) -> tuple[str, str]:
    """The store's pending requests, soonest to expire first (OpsQueueIndex)."""
    return keys.ops_pk(store_hash, OPS_CHANGE_REQUESTS), (
        f"{keys.timestamp(expires_at)}#{subscription_id}#{request_id}"
    )


def expiry_pk(shard: int) -> str:
    # Its own partitions of AuthExpiryIndex: the authorization sweep reads only `AUTH#`.
    return f"CREQEXP#{shard}"


def expiry_keys(
    store_hash: str, subscription_id: str, request_id: str, expires_at: datetime
) -> tuple[str, str]:
    """Every store's pending requests by expiry time, sharded (AuthExpiryIndex)."""
    shard = keys.shard_of(request_id, EXPIRY_SHARDS)
    return expiry_pk(shard), (
        f"{keys.timestamp(expires_at)}#{store_hash}#{subscription_id}#{request_id}"
    )


def encode_cursor(store_hash: str, queue_sk: str) -> str:
    doc = {"s": store_hash, "q": OPS_CHANGE_REQUESTS, "k": queue_sk}
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, store_hash: str) -> str:
    """The queue position (sort key) back from a cursor, refused unless this store's queue's."""
    from .subscription_reads import InvalidCursor

    refused = InvalidCursor("cursor is not one this listing handed out")
    try:
        doc = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise refused from exc
    if not isinstance(doc, dict) or doc.get("s") != store_hash:
        raise refused
    sk = doc.get("k")
    if doc.get("q") != OPS_CHANGE_REQUESTS or not isinstance(sk, str) or sk.count("#") != 2:
        raise refused
    return sk
