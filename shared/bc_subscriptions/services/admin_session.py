"""Admin session tokens: minted from a verified `/load` payload, carried as a Bearer token.

HS256 with a key derived from the app's client secret, so a BigCommerce signed payload is
never accepted as a session (and a session never as a payload). Store and user are in the
token; every admin query is scoped to that store.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from .jwt_tokens import InvalidToken, check_lifetime, sign, verified_claims

AUDIENCE = "bc-subscriptions-admin"
SESSION_TTL_S = 3600


class InvalidSession(InvalidToken):
    """The session did not verify; `code` is the machine-readable reason."""


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
    return sign(claims, _key(client_secret))


def verify_session_token(token: str, *, client_secret: str, now: datetime) -> AdminSession:
    claims = verified_claims(token, _key(client_secret), InvalidSession, audience=AUDIENCE)
    # Our own tokens: no clock skew to allow for.
    check_lifetime(claims, now, InvalidSession, leeway_s=0)
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
