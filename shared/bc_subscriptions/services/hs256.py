"""HS256 JSON Web Tokens, the one implementation behind every token we sign or accept.

BigCommerce's signed `/load` payloads, its current-customer JWT and our admin sessions are all
HS256. Only HS256 is accepted (never `none`, never an asymmetric algorithm a key could be
confused with), and the signature is compared in constant time before any claim is read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

LEEWAY_S = 60  # clock skew between the token's issuer and us


class InvalidToken(Exception):
    """The token did not verify; `code` is the machine-readable reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def sign(claims: dict[str, Any], key: bytes) -> str:
    head, body = _segment({"alg": "HS256", "typ": "JWT"}), _segment(claims)
    signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def verified_claims(
    token: str, key: bytes, error: type[InvalidToken] = InvalidToken
) -> dict[str, Any]:
    """The claims of a token whose HS256 signature verifies with `key`; raises `error`."""
    parts = token.split(".")
    if len(parts) != 3:
        raise error("malformed")
    header, claims = _json(parts[0], error), _json(parts[1], error)
    if header.get("alg") != "HS256":
        raise error("unsupported_algorithm")
    expected = hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, _unb64(parts[2], error)):
        raise error("bad_signature")
    return claims


def check_lifetime(
    claims: dict[str, Any],
    now: datetime,
    error: type[InvalidToken] = InvalidToken,
    leeway_s: int = LEEWAY_S,
) -> None:
    """`exp` is required and not past; `nbf`, when present, is not ahead (both with leeway)."""
    instant = now.timestamp()
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float) or exp + leeway_s <= instant:
        raise error("expired")
    nbf = claims.get("nbf")
    if isinstance(nbf, int | float) and nbf - leeway_s > instant:
        raise error("not_yet_valid")


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(segment: str, error: type[InvalidToken]) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise error("malformed") from exc


def _json(segment: str, error: type[InvalidToken]) -> dict[str, Any]:
    try:
        value = json.loads(_unb64(segment, error))
    except (ValueError, UnicodeDecodeError) as exc:
        raise error("malformed") from exc
    if not isinstance(value, dict):
        raise error("malformed")
    return value
