"""The instrument a subscription is charged to: the shopper choosing another, a subscription
waiting on one recovering with it, the single-use link that asks for one, and when a card's
last proof is too old to charge without verifying it.

Each function changes the subscription through its lifecycle and records the events there;
the caller saves it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import msgspec

from . import events as ev
from .dunning import Next
from .errors import DomainError
from .lifecycle import Command, Status
from .timestamps import iso_timestamp

if TYPE_CHECKING:
    from .subscription import ActionLink, PaymentMethod, Subscription


def change_payment_method(sub: Subscription, method: PaymentMethod, now: datetime) -> None:
    """The shopper picked another stored instrument; the next charge (or retry) uses it."""
    if sub.status in (Status.CANCELLED, Status.EXPIRED):
        raise DomainError(f"a {sub.status.value} subscription is not charged any more")
    sub.payment_method = method
    sub.updated_at = now
    sub.record_event(
        ev.SUBSCRIPTION_PAYMENT_METHOD_UPDATED,
        now,
        # An empty method id means not known yet (a card saved after a checkout without
        # one): merchants get null, and the renewal asks BigCommerce which method takes it.
        {
            "customer_id": sub.payer_customer_id,
            "payment_method_id": method.payment_method_id or None,
        },
    )


def recover(sub: Subscription, now: datetime, *, authenticated: bool = False) -> int | None:
    """A usable instrument (the one now on the subscription) was chosen for a subscription
    waiting on one: the waiting cycle is retried at once, on its existing order, and that
    cycle is returned. None when nothing is to run now: nothing waits, a retry asked for
    earlier has yet to run (it will use this card), the choice is the card just declined
    (unless the shopper has since authenticated it), or a subscription that had no card
    at checkout simply renews from its next cycle, which is not due yet."""
    pm, dunning = sub.payment_method, sub.dunning
    if pm is None or sub.status not in (Status.PAST_DUE, Status.REQUIRES_ACTION):
        return None
    if dunning is None:
        if sub.status != Status.REQUIRES_ACTION:
            return None
        # No card at checkout: nothing was declined, the next cycle renews with this one.
        sub.transition(Command.ACTIVATE, now)
        _card_received(sub, sub.next_cycle, retry=False, now=now)
        return sub.next_cycle if sub.is_due(now) else None
    if dunning.recovery_pending:
        sub.dunning = msgspec.structs.replace(dunning, recovery_instrument=pm.instrument_token)
        return None
    if pm.instrument_token == dunning.declined_instrument and not authenticated:
        return None
    sub.transition(Command.RETRY_PAYMENT, now)
    sub.dunning = msgspec.structs.replace(
        dunning, next=Next.RETRY, next_retry_at=now, recovery_instrument=pm.instrument_token
    )
    _card_received(sub, dunning.cycle, retry=True, now=now)
    return dunning.cycle


def card_is_stale(sub: Subscription, now: datetime, freshness_days: int) -> bool:
    """The card's last proof is older than the tenant allows: verify it before charging."""
    pm = sub.payment_method
    proven = pm.verified_at if pm is not None and pm.verified_at else sub.created_at
    return now - proven > timedelta(days=freshness_days)


def ask_for_card(
    sub: Subscription,
    cycle: int,
    order_id: int | None,
    link: tuple[ActionLink, str] | None,
    now: datetime,
) -> None:
    """`payment_method.required`, with the action link when there is one."""
    data: dict[str, Any] = {"customer_id": sub.customer_id, "cycle": cycle}
    if order_id is not None:
        data["order_id"] = order_id
    if link is not None:
        sub.action_link = link[0]
        data |= link_fields(*link)
    sub.record_event(ev.PAYMENT_METHOD_REQUIRED, now, data)


def spend_link(sub: Subscription, now: datetime) -> None:
    """The link out has done its job: kept spent, so it says so when followed."""
    if sub.action_link is not None and sub.action_link.used_at is None:
        sub.action_link = msgspec.structs.replace(sub.action_link, used_at=now)


def link_fields(link: ActionLink, token: str) -> dict[str, Any]:
    """The link as events carry it: the token (sealed at rest) and when it expires."""
    return {
        "action": link.action,
        "action_token": token,
        "expires_at": iso_timestamp(link.expires_at),
    }


def _card_received(sub: Subscription, cycle: int, *, retry: bool, now: datetime) -> None:
    # The link's job is done, wherever the card was chosen: it cannot be used again.
    spend_link(sub, now)
    sub.record_event(
        ev.PAYMENT_METHOD_RECEIVED,
        now,
        # The card is the payer's (the customer, unless someone else pays).
        {"customer_id": sub.payer_customer_id, "cycle": cycle, "retry": retry},
    )
