"""Authenticate a BigCommerce webhook delivery and process it at most once per `hash`."""

from __future__ import annotations

import base64
import hmac
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field, ValidationError
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from ..ports.storage import Install
from .install_store import SECRET_HEADER, STORE_HEADER


class WebhookRejected(Exception):
    """The delivery is refused; nothing was written. `status` is the HTTP answer."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class BcWebhook(BaseModel):
    """BigCommerce callback body: light, ids only; `hash` is identical across redeliveries."""

    scope: str = Field(min_length=1)
    store_id: str | int
    producer: str = Field(pattern=r"^stores/[A-Za-z0-9]+$")
    data: dict[str, Any]
    hash: str = Field(min_length=1, max_length=128)
    created_at: int

    @property
    def store_hash(self) -> str:
        return self.producer.removeprefix("stores/")


class InstallReader(Protocol):
    def get(self, store_hash: str) -> Install | None: ...
    def remember_store_id(self, store_hash: str, store_id: str) -> None: ...


class SecretReader(Protocol):
    def decrypt(self, store_hash: str, ciphertext: str) -> str: ...


class InboxStore(Protocol):
    def record(
        self, store_hash: str, delivery_hash: str, scope: str, resource_id: str, now: datetime
    ) -> bool: ...
    def mark(self, store_hash: str, delivery_hash: str, status: str) -> None: ...
    def park(
        self, store_hash: str, delivery_hash: str, scope: str, resource_id: str, now: datetime
    ) -> None: ...


def authenticate(
    raw_body: bytes,
    headers: Mapping[str, str],
    *,
    expected_scope: str,
    client_secret: str,
    installs: InstallReader,
    vault: SecretReader,
) -> BcWebhook:
    """Signature (Standard Webhooks, key = the app's client secret), shape, store, secret header.

    The store is the one named by the registered store header (the body's `producer` for hooks
    registered before that header existed); its secret must match, then the body must agree.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    key = base64.b64encode(client_secret.encode()).decode()
    try:
        Webhook(key).verify(raw_body, lowered, json_parse=False)
    except WebhookVerificationError as exc:
        raise WebhookRejected(401, "invalid_signature", "webhook signature did not verify") from exc
    try:
        payload = BcWebhook.model_validate_json(raw_body)
    except ValidationError as exc:
        raise WebhookRejected(400, "invalid_payload", _first_error(exc)) from exc
    if payload.scope != expected_scope:
        raise WebhookRejected(400, "unexpected_scope", f"this endpoint takes {expected_scope}")
    store_hash = lowered.get(STORE_HEADER.lower()) or payload.store_hash
    install = installs.get(store_hash)
    if install is None or install.status != "installed":
        raise WebhookRejected(401, "unknown_store", "store is not installed")
    expected = vault.decrypt(store_hash, install.webhook_secret_ciphertext)
    given = lowered.get(SECRET_HEADER.lower(), "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise WebhookRejected(401, "invalid_secret", "webhook secret header does not match")
    if payload.store_hash != store_hash:
        raise WebhookRejected(403, "store_mismatch", "producer names another store")
    if install.store_id is None:
        installs.remember_store_id(store_hash, str(payload.store_id))
    elif str(payload.store_id) != install.store_id:
        raise WebhookRejected(403, "store_mismatch", "store_id is not this store's")
    return payload


def process_once(
    payload: BcWebhook, *, inbox: InboxStore, now: datetime, process: Callable[[BcWebhook], str]
) -> str:
    """Run `process` unless this delivery was already handled; a failure leaves it retryable."""
    resource_id = str(payload.data.get("id", ""))
    if not inbox.record(payload.store_hash, payload.hash, payload.scope, resource_id, now):
        return "duplicate"
    try:
        outcome = process(payload)
    except Exception:
        inbox.mark(payload.store_hash, payload.hash, "failed")
        inbox.park(payload.store_hash, payload.hash, payload.scope, resource_id, now)
        raise
    inbox.mark(payload.store_hash, payload.hash, "processed")
    return outcome


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "body"
    return f"{where}: {err['msg']}"
