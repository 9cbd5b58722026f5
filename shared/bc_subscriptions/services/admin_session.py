"""Admin session tokens: minted from a verified `/load` payload, carried as a Bearer token.

HS256 with a key derived from the app's client secret, so a BigCommerce signed payload is
never accepted as a session (and a session never as a payload). Store and user are in the
token; every admin query is scoped to that store.

A session names the install it was issued under (the instant the store was last installed),
so it stops working when the store is uninstalled and is not revived by a reinstall; and it
stops working once BigCommerce tells us (`/remove_user`) that its user was removed.

The control-panel app renews its session before it expires; `auth_time` (when `/load`
verified BigCommerce's payload) and the install are carried over, so renewals stop after
MAX_SESSION_AGE_S and the merchant reopens the app.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeGuard

import msgspec

from .jwt_tokens import InvalidToken, check_lifetime, sign, verified_claims

if TYPE_CHECKING:
    from ..ports.storage import Install

AUDIENCE = "bc-subscriptions-admin"
SESSION_TTL_S = 3600
MAX_SESSION_AGE_S = 12 * 3600


class InvalidSession(InvalidToken):
    """The session did not verify; `code` is the machine-readable reason."""


class AdminSession(msgspec.Struct, frozen=True):
    store_hash: str
    user_id: int
    issued_at: int = 0  # epoch seconds
    install: str = ""  # `install_mark` of the install it was issued under
    auth_time: int = 0  # when /load verified the payload (epoch seconds)
    expires_at: int = 0


class RenewedSession(msgspec.Struct, frozen=True):
    token: str
    expires_at: int


class InstallLookup(Protocol):
    def get(self, store_hash: str) -> Install | None: ...


class RemovedUserLookup(Protocol):
    def removed_at(self, store_hash: str, user_id: int) -> int | None: ...


def install_mark(install: Install) -> str:
    """What ties a session to one install: a reinstall gives another.

    Each install (or new authorization) stores a fresh KMS ciphertext of its access token (KMS
    encryption is randomized), so its digest names that install; a timestamp would not tell
    apart an uninstall and reinstall within the same second."""
    return hashlib.sha256(install.access_token_ciphertext.encode()).hexdigest()[:32]


def mint_session_token(
    store_hash: str,
    user_id: int,
    *,
    client_secret: str,
    now: datetime,
    ttl_s: int = SESSION_TTL_S,
    install: str = "",
    auth_time: int | None = None,
) -> str:
    """`install` is the `install_mark` of the store's current install."""
    issued = int(now.timestamp())
    claims = {
        "aud": AUDIENCE,
        "store_hash": store_hash,
        "user_id": user_id,
        "install": install,
        "iat": issued,
        "exp": issued + ttl_s,
        "auth_time": issued if auth_time is None else auth_time,
    }
    return sign(claims, _key(client_secret))


def verify_session_token(token: str, *, client_secret: str, now: datetime) -> AdminSession:
    claims = verified_claims(token, _key(client_secret), InvalidSession, audience=AUDIENCE)
    # Our own tokens: no clock skew to allow for.
    check_lifetime(claims, now, InvalidSession, leeway_s=0)
    store_hash, user_id = claims.get("store_hash"), claims.get("user_id")
    install, issued = claims.get("install"), claims.get("iat")
    auth_time = claims.get("auth_time", issued)
    if (
        not isinstance(store_hash, str)
        or not store_hash
        or not isinstance(install, str)
        or not _is_int(user_id)
        or not _is_int(issued)
        or not _is_int(auth_time)
    ):
        raise InvalidSession("malformed")
    return AdminSession(
        store_hash, int(user_id), int(issued), install, int(auth_time), int(claims["exp"])
    )


def check_session_current(
    session: AdminSession, *, installs: InstallLookup, removed_users: RemovedUserLookup
) -> None:
    """Refuse (`revoked`) a session of a store no longer installed, of an earlier install, or
    of a user removed from the app after it was issued."""
    install = installs.get(session.store_hash)
    if install is None or install.status != "installed" or install_mark(install) != session.install:
        raise InvalidSession("revoked")
    removed_at = removed_users.removed_at(session.store_hash, session.user_id)
    # Issued in the second of the removal or before it: revoked (the user loads the app again).
    if removed_at is not None and session.issued_at <= removed_at:
        raise InvalidSession("revoked")


def renew_session_token(
    token: str,
    *,
    installs: InstallLookup,
    removed_users: RemovedUserLookup,
    client_secret: str,
    now: datetime,
) -> RenewedSession:
    """A fresh token for a session that is still valid and current, while /load is not too
    long ago (`reload_required`) and the store still has the app (`not_installed`)."""
    session = verify_session_token(token, client_secret=client_secret, now=now)
    if now.timestamp() - session.auth_time >= MAX_SESSION_AGE_S:
        raise InvalidSession("reload_required")
    install = installs.get(session.store_hash)
    if install is None or install.status != "installed":
        raise InvalidSession("not_installed")
    check_session_current(session, installs=installs, removed_users=removed_users)
    fresh = mint_session_token(
        session.store_hash,
        session.user_id,
        client_secret=client_secret,
        now=now,
        install=session.install,
        auth_time=session.auth_time,
    )
    return RenewedSession(fresh, int(now.timestamp()) + SESSION_TTL_S)


def bearer(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidSession("missing")
    return token.strip()


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _key(client_secret: str) -> bytes:
    return hmac.new(client_secret.encode(), b"admin-session-v1", hashlib.sha256).digest()
