"""Single-use, expiring links for a shopper to authenticate a renewal payment (3-D Secure).

The token is random, goes out once in the `subscription.requires_action` event, and only its
SHA-256 is kept on the subscription, so a copy of our table cannot be used to follow a link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from ..domain.errors import DomainError
from ..domain.subscription import ActionLink
from ..ports.storage import ConcurrencyConflict, UnitOfWork


class InvalidActionLink(DomainError):
    """Unknown, already used, or expired: one reason for all, so nothing leaks to a guesser."""

    code = "invalid_action_link"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_action_link(cycle: int, now: datetime, ttl_hours: int) -> tuple[ActionLink, str]:
    """A new link for `cycle` and its token (the token is never stored)."""
    token = secrets.token_urlsafe(32)
    link = ActionLink(
        token_sha256=_digest(token), cycle=cycle, expires_at=now + timedelta(hours=ttl_hours)
    )
    return link, token


def redeem_action_link(
    uow: UnitOfWork, store_hash: str, subscription_id: str, token: str, now: datetime
) -> int:
    """Spend the token once; returns the cycle the shopper is authenticating."""
    with uow:
        sub = uow.subscriptions.get(store_hash, subscription_id)
        link = sub.action_link if sub is not None else None
        if (
            sub is None
            or link is None
            or link.used_at is not None
            or link.expires_at <= now
            or not hmac.compare_digest(link.token_sha256, _digest(token))
        ):
            raise InvalidActionLink("the link is invalid or has expired")
        sub.action_link = link.model_copy(update={"used_at": now})
        uow.subscriptions.save(sub)
        try:
            uow.commit()
        except ConcurrencyConflict:
            # Two clicks at once: the version lock lets only one of them spend the token.
            raise InvalidActionLink("the link is invalid or has expired") from None
        return link.cycle
