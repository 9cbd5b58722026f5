"""Outgoing callbacks, signed as BigCommerce signs them (Standard Webhooks, client secret)."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from standardwebhooks.webhooks import Webhook


@dataclass(frozen=True)
class WebhookDelivery:
    url: str
    headers: dict[str, str]
    body: bytes


def callback_body(scope: str, store_id: str, store_hash: str, data: dict[str, Any]) -> bytes:
    """`{scope, store_id, producer, data, hash, created_at}`; `hash` is the SHA-1 of the data."""
    digest = hashlib.sha1(
        json.dumps(data, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()
    body = {
        "scope": scope,
        "store_id": store_id,
        "producer": f"stores/{store_hash}",
        "data": data,
        "hash": digest,
        "created_at": int(datetime.now(UTC).timestamp()),
    }
    return json.dumps(body).encode()


def signed_headers(client_secret: str, body: bytes) -> dict[str, str]:
    """Standard Webhooks headers with key = base64(client secret), as BigCommerce documents."""
    key = base64.b64encode(client_secret.encode()).decode()
    msg_id, now = f"msg_{uuid.uuid4().hex}", datetime.now(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(key).sign(msg_id, now, body.decode()),
    }
