"""BigCommerce's `signed_payload_jwt` (HS256 with the app's client secret), verified by hand.

Only HS256 is accepted (never `none`, never a key-confusion algorithm); the signature is
compared in constant time before any claim is trusted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from datetime import datetime
from typing import Any

LEEWAY_S = 60  # clock skew between BigCommerce and us
_SUB = re.compile(r"^stores/([A-Za-z0-9]+)$")


class InvalidSignedPayload(Exception):
    """The payload did not verify; `code` is the machine-readable reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def verify_signed_payload(token: str, *, client_secret: str, client_id: str, now: datetime) -> str:
    """The store hash the payload was signed for (`sub` = `stores/{hash}`)."""
    return verified_payload(token, client_secret=client_secret, client_id=client_id, now=now)[0]


def verified_payload(
    token: str, *, client_secret: str, client_id: str, now: datetime
) -> tuple[str, dict[str, Any]]:
    """The store hash and the claims (e.g. `user`), once signature and claims verified."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidSignedPayload("malformed")
    header, claims = _json(parts[0]), _json(parts[1])
    if header.get("alg") != "HS256":
        raise InvalidSignedPayload("unsupported_algorithm")
    signed = f"{parts[0]}.{parts[1]}".encode()
    expected = hmac.new(client_secret.encode(), signed, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _b64(parts[2])):
        raise InvalidSignedPayload("bad_signature")
    audience = claims.get("aud")
    if audience != client_id and not (isinstance(audience, list) and client_id in audience):
        raise InvalidSignedPayload("wrong_audience")
    instant = now.timestamp()
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] + LEEWAY_S <= instant:
        raise InvalidSignedPayload("expired")
    if isinstance(claims.get("nbf"), int | float) and claims["nbf"] - LEEWAY_S > instant:
        raise InvalidSignedPayload("not_yet_valid")
    match = _SUB.match(str(claims.get("sub", "")))
    if match is None:
        raise InvalidSignedPayload("no_store")
    return match.group(1), claims


def _b64(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidSignedPayload("malformed") from exc


def _json(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64(segment))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidSignedPayload("malformed") from exc
    if not isinstance(value, dict):
        raise InvalidSignedPayload("malformed")
    return value
