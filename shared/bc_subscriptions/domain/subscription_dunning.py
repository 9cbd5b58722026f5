"""A declined renewal and what follows: past due while retrying (or the shopper asked to act),
the merchant bringing a waiting retry forward, and the tenant's final action once dunning ran
out. The schedule itself is `dunning`'s; these record each step on the subscription (the
caller saves it).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from . import events as ev
from .dunning import DunningState, Next
from .errors import NothingToRetry
from .lifecycle import Command, Status
from .subscription_payment_method import ask_for_card, link_fields
from .timestamps import iso_timestamp

if TYPE_CHECKING:
    from .subscription import ActionLink, Subscription


def record_payment_failure(
    sub: Subscription,
    *,
    cycle: int,
    order_id: int,
    code: int | None,
    reason: str,
    now: datetime,
    dunning: DunningState | None = None,
    action_link: ActionLink | None = None,
    action_token: str | None = None,
) -> None:
    """The cycle's payment was declined: past due while retrying, else ask the shopper
    (with the action link, whose token goes out only in that event)."""
    was = sub.status
    sub.dunning = dunning
    shopper_must_act = dunning is not None and dunning.next in (Next.NEW_CARD, Next.AUTHENTICATE)
    sub.transition(
        Command.REQUIRE_ACTION if shopper_must_act else Command.RECORD_PAYMENT_FAILURE, now
    )
    failed: dict[str, Any] = {
        "cycle": cycle,
        "order_id": order_id,
        "decline_code": code,
        "reason": reason,
    }
    if dunning is not None:
        failed |= {
            "attempt": dunning.failed_attempts,
            "decline_class": dunning.decline_class.value,
            "next_retry_at": iso_timestamp(dunning.next_retry_at)
            if dunning.next_retry_at
            else None,
        }
    sub.record_event(ev.CHARGE_FAILED, now, failed)
    link = (action_link, action_token) if action_link and action_token else None
    if dunning is not None and dunning.next == Next.NEW_CARD:
        ask_for_card(sub, cycle, order_id, link, now)
    elif dunning is not None and dunning.next == Next.AUTHENTICATE:
        sub.action_link = action_link
        if link is not None:
            data = {"cycle": cycle, "order_id": order_id, **link_fields(*link)}
            sub.record_event(ev.SUBSCRIPTION_REQUIRES_ACTION, now, data)
    elif was != sub.status:
        sub.record_event(ev.SUBSCRIPTION_PAST_DUE, now, {"cycle": cycle})


def retry_payment_now(sub: Subscription, now: datetime) -> int:
    """The merchant asks for the cycle's scheduled dunning retry to happen now; returns the
    cycle. Only a past-due subscription waiting for a retry has one to bring forward."""
    dunning = sub.dunning
    if (
        sub.status != Status.PAST_DUE
        or dunning is None
        or dunning.next != Next.RETRY
        or dunning.next_retry_at is None
    ):
        raise NothingToRetry(sub.status.value)
    if dunning.next_retry_at > now:
        sub.dunning = msgspec.structs.replace(dunning, next_retry_at=now)
    sub.updated_at = now
    return dunning.cycle


def give_up(sub: Subscription, action: str, now: datetime) -> None:
    """Dunning ran out: the tenant's final action (cancel or pause), whatever the commitment."""
    cycle = sub.dunning.cycle if sub.dunning else sub.next_cycle
    sub.transition(Command.CANCEL if action == "cancel" else Command.PAUSE, now)
    sub.dunning, sub.action_link = None, None
    kind = ev.SUBSCRIPTION_CANCELLED if action == "cancel" else ev.SUBSCRIPTION_PAUSED
    sub.record_event(kind, now, {"reason": "dunning_exhausted", "cycle": cycle})
