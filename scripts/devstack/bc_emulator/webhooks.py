"""Outgoing callbacks, shaped and signed as BigCommerce sends them (Standard Webhooks)."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from standardwebhooks.webhooks import Webhook

from . import clock

if TYPE_CHECKING:
    from .state import Store


@dataclass(frozen=True)
class WebhookDelivery:
    """One callback to POST: where, with which headers, and the exact body bytes."""

    url: str
    headers: dict[str, str]
    body: bytes


def callback_body(scope: str, store_id: str, store_hash: str, data: dict[str, Any]) -> bytes:
    """`{scope, store_id, producer, data, hash, created_at}`; `hash` is the SHA-1 of the data."""
    digest = hashlib.sha1(json.dumps(data).encode(), usedforsecurity=False).hexdigest()
    body = {
        "scope": scope,
        "store_id": store_id,
        "data": data,
        "hash": digest,
        "created_at": int(clock.now().timestamp()),
        "producer": f"stores/{store_hash}",
    }
    return json.dumps(body).encode()


def signed_headers(client_secret: str, body: bytes) -> dict[str, str]:
    """Standard Webhooks headers; the key is base64 of the app's client secret, as BC signs."""
    key = base64.b64encode(client_secret.encode()).decode()
    msg_id, now = str(uuid.uuid4()), datetime.now(UTC)
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(key).sign(msg_id, now, body.decode()),
    }


def scope_matches(registered: str, scope: str) -> bool:
    """A hook's scope is exact, or a wildcard such as `store/order/*`."""
    if registered.endswith("/*"):
        return scope.startswith(registered[:-1])
    return registered == scope


class WebhookOutbox:
    """Callbacks waiting to be delivered; guarded by the emulator's lock."""

    def __init__(self, client_secret: str, lock: Any) -> None:
        self._secret, self._lock = client_secret, lock
        self._pending: list[WebhookDelivery] = []

    def queue(self, store: Store, scope: str, data: dict[str, Any]) -> None:
        """A signed callback for every active hook of the store registered for `scope`."""
        with self._lock:
            body = callback_body(scope, store.store_id, store.hash, data)
            for hook in store.hooks.values():
                if hook["is_active"] and scope_matches(hook["scope"], scope):
                    headers = {**(hook["headers"] or {}), **signed_headers(self._secret, body)}
                    self._pending.append(WebhookDelivery(hook["destination"], headers, body))

    def status_change(self, store: Store, order_id: int, previous: int, new: int) -> None:
        """`store/order/statusUpdated`, and the catch-all `store/order/updated`."""
        status = {"previous_status_id": previous, "new_status_id": new}
        data = {"type": "order", "id": order_id, "status": status}
        self.queue(store, "store/order/statusUpdated", data)
        self.queue(store, "store/order/updated", {"type": "order", "id": order_id})

    def transaction(self, store: Store, order_id: int, transaction_id: int) -> None:
        """`store/order/transaction/created`; ids are strings there, as BC sends them."""
        tx = next(t for t in store.transactions[order_id] if t["id"] == transaction_id)
        data = {
            "type": "transaction",
            "order_id": str(order_id),
            "transaction_id": str(transaction_id),
            "transaction_status": "complete" if tx["status"] == "ok" else "failed",
            "transaction_type": tx["event"],
        }
        self.queue(store, "store/order/transaction/created", data)

    def drain(self) -> list[WebhookDelivery]:
        """Take every queued callback, oldest first."""
        with self._lock:
            pending, self._pending = self._pending, []
            return pending
