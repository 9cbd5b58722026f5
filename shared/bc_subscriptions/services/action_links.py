"""Single-use, expiring links for a shopper to authenticate a renewal payment (3-D Secure) or
choose another card.

The token is random, goes out once in the `subscription.requires_action` or
`payment_method.required` event, and only its SHA-256 is kept on the subscription, so a copy
of our table cannot be used to follow a link.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

import msgspec

from ..domain.errors import DomainError
from ..domain.subscription import ActionLink, Subscription
from ..ports.storage import ConcurrencyConflict, UnitOfWork


class InvalidActionLink(DomainError):
    """Unknown, already used, or expired: one reason for all, so nothing leaks to a guesser."""

    code = "invalid_action_link"


class LinkState(StrEnum):
    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    # No such link: a forged token, another subscription's, or one replaced by a newer link.
    INVALID = "invalid"


class LinkCheck(msgspec.Struct, frozen=True):
    state: LinkState
    subscription: Subscription | None = None
    link: ActionLink | None = None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_action_link(
    cycle: int,
    now: datetime,
    ttl_hours: int,
    action: Literal["authenticate", "new_card"] = "authenticate",
) -> tuple[ActionLink, str]:
    """A new link for `cycle` and its token (the token is never stored)."""
    token = secrets.token_urlsafe(32)
    link = ActionLink(
        token_sha256=digest(token),
        cycle=cycle,
        expires_at=now + timedelta(hours=ttl_hours),
        action=action,
    )
    return link, token


def check_link(sub: Subscription | None, token_sha256: str, now: datetime) -> LinkCheck:
    """What a link whose token hashes to `token_sha256` is worth now. Used and expired are
    told apart only for the true token: a guesser learns nothing but `invalid`."""
    link = sub.action_link if sub is not None else None
    if sub is None or link is None or not hmac.compare_digest(link.token_sha256, token_sha256):
        return LinkCheck(LinkState.INVALID)
    if link.used_at is not None:
        return LinkCheck(LinkState.USED, sub, link)
    if link.expires_at <= now:
        return LinkCheck(LinkState.EXPIRED, sub, link)
    return LinkCheck(LinkState.OPEN, sub, link)


def redeem_action_link(
    uow: UnitOfWork, store_hash: str, subscription_id: str, token: str, now: datetime
) -> int:
    """Spend the token once; returns the cycle the shopper is authenticating."""
    with uow:
        sub = uow.subscriptions.get(store_hash, subscription_id)
        checked = check_link(sub, digest(token), now)
        if checked.state != LinkState.OPEN or sub is None or checked.link is None:
            raise InvalidActionLink("the link is invalid or has expired")
        sub.action_link = msgspec.structs.replace(checked.link, used_at=now)
        uow.subscriptions.save(sub)
        try:
            uow.commit()
        except ConcurrencyConflict:
            # Two clicks at once: the version lock lets only one of them spend the token.
            raise InvalidActionLink("the link is invalid or has expired") from None
        return checked.link.cycle
