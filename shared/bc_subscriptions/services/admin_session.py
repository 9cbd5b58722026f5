"""Admin session tokens: minted from a verified `/load` payload, carried as a Bearer token.

HS256 with a key derived from the app's client secret, so a BigCommerce signed payload is
never accepted as a session (and a session never as a payload). Store and user are in the
token; every admin query is scoped to that store.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

AUDIENCE = "bc-subscriptions-admin"
SESSION_TTL_S = 3600


class InvalidSession(Exception):
    """The token did not verify; `code` is the machine-readable reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class AdminSession:
    store_hash: str
    user_id: int


def mint_session_token(
    store_hash: str, user_id: int, *, client_secret: str, now: datetime, ttl_s: int = SESSION_TTL_S
) -> str:
    issued = int(now.timestamp())
    claims = {
        "aud": AUDIENCE,
        "store_hash": store_hash,
        "user_id": user_id,
        "iat": issued,
        "exp": issued + ttl_s,
    }
    head, body = _segment({"alg": "HS256", "typ": "JWT"}), _segment(claims)
    signature = hmac.new(_key(client_secret), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def verify_session_token(token: str, *, client_secret: str, now: datetime) -> AdminSession:
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidSession("malformed")
    header, claims = _json(parts[0]), _json(parts[1])
    if header.get("alg") != "HS256":
        raise InvalidSession("unsupported_algorithm")
    expected = hmac.new(
        _key(client_secret), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(expected, _unb64(parts[2])):
        raise InvalidSession("bad_signature")
    if claims.get("aud") != AUDIENCE:
        raise InvalidSession("wrong_audience")
    exp = claims.get("exp")
    if not isinstance(exp, int) or exp <= now.timestamp():
        raise InvalidSession("expired")
    store_hash, user_id = claims.get("store_hash"), claims.get("user_id")
    if not isinstance(store_hash, str) or not store_hash or not isinstance(user_id, int):
        raise InvalidSession("malformed")
    return AdminSession(store_hash, user_id)


def bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidSession("missing")
    return token.strip()


def _key(client_secret: str) -> bytes:
    return hmac.new(client_secret.encode(), b"admin-session-v1", hashlib.sha256).digest()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidSession("malformed") from exc


def _json(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(_unb64(segment))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidSession("malformed") from exc
    if not isinstance(value, dict):
        raise InvalidSession("malformed")
    return value
