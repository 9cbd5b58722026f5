"""Event fields that are secrets: kept sealed (encrypted) at rest, opened only to send.

`subscription.requires_action` and `payment_method.required` carry the shopper's action-link
token to the merchant, who sends the shopper the full link (`action_url`, beside it). Our
table keeps only its SHA-256 on the subscription; the stored event keeps the token sealed
under `action_token_sealed`, which only the store's KMS key opens, and the delivery opens it
into `action_token` and adds `action_url` (which holds the token, so it is never stored
either) just before it signs and sends. Views of stored events leave the sealed field out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .action_url import action_url

SEALED = {"action_token": "action_token_sealed"}
_OPENED = {sealed_as: plain for plain, sealed_as in SEALED.items()}


def sealed(data: dict[str, Any], encrypt: Callable[[str], str]) -> dict[str, Any]:
    """`data` with every secret field replaced by its sealed form."""
    return {
        (SEALED.get(key, key)): (encrypt(value) if key in SEALED else value)
        for key, value in data.items()
    }


def has_secrets(data: dict[str, Any]) -> bool:
    return any(key in SEALED for key in data)


def opened_envelope(envelope: str, decrypt: Callable[[str], str], link_base: str = "") -> str:
    """The envelope as the merchant receives it: sealed fields opened and, beside an opened
    action token, the full action link (`action_url`, built on our API's `link_base`)."""
    if not any(f'"{name}"' in envelope for name in _OPENED):
        return envelope
    body = json.loads(envelope)
    data = body.get("data")
    if isinstance(data, dict):
        opened = {
            _OPENED.get(key, key): (decrypt(value) if key in _OPENED else value)
            for key, value in data.items()
        }
        token, store, sub = (
            opened.get(k) for k in ("action_token", "store_hash", "subscription_id")
        )
        if link_base and isinstance(token, str) and isinstance(store, str) and isinstance(sub, str):
            opened["action_url"] = action_url(link_base, store, sub, token)
        body["data"] = opened
    return json.dumps(body, separators=(",", ":"))


def without_sealed(envelope: dict[str, Any]) -> dict[str, Any]:
    """A stored envelope for a view: sealed fields left out."""
    data = envelope.get("data")
    if not isinstance(data, dict):
        return envelope
    kept = {k: v for k, v in data.items() if k not in _OPENED}
    return {**envelope, "data": kept}
