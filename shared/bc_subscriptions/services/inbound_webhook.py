"""Authenticate a BigCommerce webhook delivery and queue it at most once per `hash`.

The route only verifies, records and queues (BigCommerce asks for the answer before any work);
`services/bc_webhook_work.py` does the BigCommerce calls in the worker behind the queue.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Protocol

import msgspec

from ..domain.record import problem_at
from .bc_signature import SignatureInvalid, verify_signature
from .hook_headers import SECRET_HEADER, STORE_HEADER
from .messages import ProcessBcWebhook

if TYPE_CHECKING:
    from ..ports.queues import MessageQueue
    from ..ports.storage import Install

# BigCommerce callbacks carry ids only (well under 1 KiB); anything near this is not one.
MAX_BODY_BYTES = 64 * 1024
_STORE_HASH = re.compile(r"^[A-Za-z0-9]{1,64}$")


class WebhookRejected(Exception):
    """The delivery is refused; nothing was written. `status` is the HTTP answer."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class BcWebhook(msgspec.Struct, frozen=True, kw_only=True):
    """BigCommerce callback body: light, ids only; `hash` is identical across redeliveries.

    Members not named here are ignored; no value is coerced.
    """

    scope: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    store_id: str | int
    # `\Z`, not `$`: `$` would also match before a final newline.
    producer: Annotated[str, msgspec.Meta(pattern=r"^stores/[A-Za-z0-9]{1,64}\Z")]
    data: dict[str, Any]
    hash: Annotated[str, msgspec.Meta(min_length=1, max_length=128)]
    # Unix seconds; BigCommerce documents it, but a delivery may omit it.
    created_at: int | None = None

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


def authenticate(
    raw_body: bytes,
    headers: Mapping[str, str],
    *,
    expected_scope: str,
    client_secret: str,
    installs: InstallReader,
    vault: SecretReader,
    now: datetime,
    data_model: type[msgspec.Struct] | None = None,
    accept_uninstalled: bool = False,
) -> BcWebhook:
    """Size, signature (Standard Webhooks, key = the app's client secret), shape, store, secret.

    The store is the one named by the registered store header (the body's `producer` for hooks
    registered before that header existed); its secret must match, then the body must agree.
    `now` is real time: the signature's timestamp is. `data` is checked against `data_model`
    before the store id is remembered, so a refused delivery writes nothing.
    `accept_uninstalled` lets `store/app/uninstalled` in after the `/uninstall` callback closed
    the store: refusing it would only make BigCommerce retry it for two days.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    payload = _signed_payload(raw_body, lowered, client_secret=client_secret, now=now)
    if payload.scope != expected_scope:
        raise WebhookRejected(400, "unexpected_scope", f"this endpoint takes {expected_scope}")
    store_hash = lowered.get(STORE_HEADER.lower()) or payload.store_hash
    install = _installed(store_hash, installs, accept_uninstalled)
    expected = vault.decrypt(store_hash, install.webhook_secret_ciphertext)
    given = lowered.get(SECRET_HEADER.lower(), "")
    if not hmac.compare_digest(given.encode(errors="replace"), expected.encode()):
        raise WebhookRejected(401, "invalid_secret", "webhook secret header does not match")
    if payload.store_hash != store_hash:
        raise WebhookRejected(403, "store_mismatch", "producer names another store")
    if data_model is not None:
        try:
            msgspec.convert(payload.data, type=data_model, strict=True)
        except msgspec.ValidationError as exc:
            raise WebhookRejected(400, "invalid_payload", _problem(exc, "data")) from exc
    if install.store_id is None:
        installs.remember_store_id(store_hash, str(payload.store_id))
    elif str(payload.store_id) != install.store_id:
        raise WebhookRejected(403, "store_mismatch", "store_id is not this store's")
    return payload


def accept_once(
    payload: BcWebhook, *, inbox: InboxStore, queue: MessageQueue, now: datetime
) -> str:
    """Record the delivery, then queue it for the worker; a repeat of a recorded one is a
    `duplicate`. If queueing fails the row is marked failed, so BigCommerce's retry is
    recorded again instead of being taken for a duplicate."""
    resource_id = str(payload.data.get("id", ""))[:64]
    if not inbox.record(payload.store_hash, payload.hash, payload.scope, resource_id, now):
        return "duplicate"
    message = ProcessBcWebhook(
        store_hash=payload.store_hash,
        delivery_hash=payload.hash,
        scope=payload.scope,
        data=payload.data,
    )
    try:
        queue.send_batch([message.to_json()])
    except Exception:
        inbox.mark(payload.store_hash, payload.hash, "failed")
        raise
    return "accepted"


def _signed_payload(
    raw_body: bytes, lowered: Mapping[str, str], *, client_secret: str, now: datetime
) -> BcWebhook:
    """The body, if small enough, signed by BigCommerce and in its callback shape."""
    if len(raw_body) > MAX_BODY_BYTES:
        raise WebhookRejected(413, "payload_too_large", f"body over {MAX_BODY_BYTES} bytes")
    try:
        verify_signature(raw_body, lowered, key=client_secret.encode(), now=now)
    except SignatureInvalid as exc:
        raise WebhookRejected(401, "invalid_signature", "webhook signature did not verify") from exc
    # RFC 8259 JSON only: a NaN or an overflowing number would reach the worker as a message
    # body its decoder refuses, so it is refused here, while BigCommerce can still be told.
    try:
        return msgspec.json.decode(raw_body, type=BcWebhook, strict=True)
    except msgspec.ValidationError as exc:
        raise WebhookRejected(400, "invalid_payload", _problem(exc, "")) from exc
    except msgspec.DecodeError as exc:
        raise WebhookRejected(400, "invalid_payload", f"body: invalid JSON: {exc}") from exc
    except RecursionError as exc:
        raise WebhookRejected(400, "invalid_payload", "body: nested too deep") from exc


def _installed(store_hash: str, installs: InstallReader, accept_uninstalled: bool) -> Install:
    if not _STORE_HASH.match(store_hash):
        raise WebhookRejected(401, "unknown_store", "store is not installed")
    install = installs.get(store_hash)
    allowed = {"installed", "uninstalled"} if accept_uninstalled else {"installed"}
    if install is None or install.status not in allowed:
        raise WebhookRejected(401, "unknown_store", "store is not installed")
    return install


def _problem(exc: msgspec.ValidationError, within: str) -> str:
    """`where: what` of a refused body, `where` a dotted path from `within` (or `body`)."""
    loc, why = problem_at(exc)
    where = ".".join(str(part) for part in (within, *loc) if part != "")
    return f"{where or 'body'}: {why}"
