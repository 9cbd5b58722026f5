"""The guest session an action link opens: signed, short-lived, one subscription, one action.

The page the link opens carries this session in its form; the form post presents it instead
of the link's token. It holds no authority of its own: the post is honoured only while the
link it names is still unused and unexpired, and spending the link ends it. No cookie is
involved, so a form posted from another site carries nothing of the shopper's.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

import msgspec

from .jwt_tokens import InvalidToken, check_lifetime, sign, verified_claims

AUDIENCE = "bc-subscriptions/action"
SESSION_TTL = timedelta(minutes=30)


class InvalidGuestSession(InvalidToken):
    pass


class GuestSession(msgspec.Struct, frozen=True):
    store_hash: str
    subscription_id: str
    link_sha256: str  # the link this session was opened with
    action: str


def open_session(
    session: GuestSession, *, client_secret: str, now: datetime, link_expires_at: datetime
) -> str:
    """A session token for the page; it ends with the link if that comes first."""
    ends = min(now + SESSION_TTL, link_expires_at)
    claims = {
        "aud": AUDIENCE,
        "store_hash": session.store_hash,
        "subscription_id": session.subscription_id,
        "link": session.link_sha256,
        "action": session.action,
        "iat": int(now.timestamp()),
        "exp": int(ends.timestamp()),
    }
    return sign(claims, _key(client_secret))


def verify_session(
    token: str, *, store_hash: str, subscription_id: str, client_secret: str, now: datetime
) -> GuestSession:
    """The session, if it verifies, is current and was opened for this very subscription."""
    claims = verified_claims(token, _key(client_secret), InvalidGuestSession, audience=AUDIENCE)
    check_lifetime(claims, now, InvalidGuestSession, leeway_s=0)
    fields = [claims.get(k) for k in ("store_hash", "subscription_id", "link", "action")]
    if not all(isinstance(f, str) and f for f in fields):
        raise InvalidGuestSession("malformed")
    session = GuestSession(*(str(f) for f in fields))
    if (session.store_hash, session.subscription_id) != (store_hash, subscription_id):
        raise InvalidGuestSession("other_subscription")
    return session


def _key(client_secret: str) -> bytes:
    return hmac.new(client_secret.encode(), b"action-session-v1", hashlib.sha256).digest()
