"""Admin session tokens: minted from a verified `/load` payload, carried as a Bearer token.

HS256 with a key derived from the app's client secret, so a BigCommerce signed payload is
never accepted as a session (and a session never as a payload). Store and user are in the
token; every admin query is scoped to that store. The control-panel app renews its session
before it expires; `auth_time` (when `/load` verified BigCommerce's payload) is carried over,
so renewals stop after MAX_SESSION_AGE_S and the merchant reopens the app.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from .hs256 import InvalidToken, check_lifetime, sign, verified_claims

AUDIENCE = "bc-subscriptions-admin"
SESSION_TTL_S = 3600
MAX_SESSION_AGE_S = 12 * 3600


class InvalidSession(InvalidToken):
    """The session did not verify; `code` is the machine-readable reason."""


@dataclass(frozen=True)
class AdminSession:
    store_hash: str
    user_id: int
    auth_time: int = 0  # when /load verified the payload (epoch seconds)
    expires_at: int = 0


@dataclass(frozen=True)
class RenewedSession:
    token: str
    expires_at: int


def mint_session_token(
    store_hash: str,
    user_id: int,
    *,
    client_secret: str,
    now: datetime,
    ttl_s: int = SESSION_TTL_S,
    auth_time: int | None = None,
) -> str:
    issued = int(now.timestamp())
    claims = {
        "aud": AUDIENCE,
        "store_hash": store_hash,
        "user_id": user_id,
        "iat": issued,
        "exp": issued + ttl_s,
        "auth_time": issued if auth_time is None else auth_time,
    }
    return sign(claims, _key(client_secret))


def verify_session_token(token: str, *, client_secret: str, now: datetime) -> AdminSession:
    claims = verified_claims(token, _key(client_secret), InvalidSession)
    if claims.get("aud") != AUDIENCE:
        raise InvalidSession("wrong_audience")
    # Our own tokens: no clock skew to allow for.
    check_lifetime(claims, now, InvalidSession, leeway_s=0)
    store_hash, user_id = claims.get("store_hash"), claims.get("user_id")
    if not isinstance(store_hash, str) or not store_hash or not isinstance(user_id, int):
        raise InvalidSession("malformed")
    issued, auth_time = claims.get("iat"), claims.get("auth_time", claims.get("iat"))
    if not isinstance(issued, int) or not isinstance(auth_time, int):
        raise InvalidSession("malformed")
    return AdminSession(store_hash, user_id, auth_time, int(claims["exp"]))


def renew_session_token(
    token: str, *, installed: Callable[[str], bool], client_secret: str, now: datetime
) -> RenewedSession:
    """A fresh token for a session that is still valid, while the store has the app installed
    and /load is not too long ago."""
    session = verify_session_token(token, client_secret=client_secret, now=now)
    if now.timestamp() - session.auth_time >= MAX_SESSION_AGE_S:
        raise InvalidSession("reload_required")
    if not installed(session.store_hash):
        raise InvalidSession("not_installed")
    fresh = mint_session_token(
        session.store_hash,
        session.user_id,
        client_secret=client_secret,
        now=now,
        auth_time=session.auth_time,
    )
    return RenewedSession(fresh, int(now.timestamp()) + SESSION_TTL_S)


def bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidSession("missing")
    return token.strip()


def _key(client_secret: str) -> bytes:
    return hmac.new(client_secret.encode(), b"admin-session-v1", hashlib.sha256).digest()
