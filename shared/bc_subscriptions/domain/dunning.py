"""Dunning: after a declined renewal, when to retry, when to ask the shopper, when to give up.

The schedule counts from the cycle's first failed attempt (not from the last retry), so a late
worker does not push every later retry back; the cycle's BigCommerce order is reused throughout,
unless its authorization was voided (BigCommerce takes no payment on it then: one new order).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from .declines import DeclineClass
from .record import FrozenRecord

if TYPE_CHECKING:
    from .tenant_config import DunningPolicy

# Never two attempts on one card closer than this, even when a late run finds a retry overdue.
MIN_RETRY_GAP = timedelta(hours=12)


class Next(StrEnum):
    RETRY = "retry"  # past_due until next_retry_at
    NEW_CARD = "new_card"  # the card can never work: requires_action, no automatic retry
    AUTHENTICATE = "authenticate"  # the shopper must authenticate (3-D Secure): requires_action
    GIVE_UP = "give_up"  # attempts used up: the final action at final_action_at


# Declines the shopper has to fix; retrying the same card would only decline again.
_SHOPPER_FIXES = {DeclineClass.HARD: Next.NEW_CARD, DeclineClass.REQUIRES_ACTION: Next.AUTHENTICATE}


class DunningState(FrozenRecord, frozen=True, kw_only=True):
    """Where a subscription is in recovering one cycle's payment."""

    cycle: int
    failed_attempts: int
    first_failed_at: datetime
    decline_class: DeclineClass
    next: Next
    next_retry_at: datetime | None = None
    # Why the last attempt failed, as the merchant reads it in the failed-charges queue.
    reason: str = ""
    # When the policy's final action (cancel or pause) applies if the cycle is still unpaid.
    final_action_at: datetime
    # The instrument the last attempt was declined with: choosing it again retries nothing
    # (except after the shopper authenticated it).
    declined_instrument: str | None = None
    # Set while a retry the shopper's (or merchant's) choice of card asked for is waiting to
    # run: further choices change the card it uses, never the number of retries.
    recovery_instrument: str | None = None

    @property
    def recovery_pending(self) -> bool:
        return self.recovery_instrument is not None

    @property
    def due_at(self) -> datetime:
        """When a sweep should next look at the subscription (a retry, or the final action)."""
        return self.next_retry_at if self.next_retry_at is not None else self.final_action_at

    def retry_due(self, now: datetime) -> bool:
        return self.next_retry_at is not None and self.next_retry_at <= now

    def final_action_due(self, now: datetime) -> bool:
        return self.next_retry_at is None and self.final_action_at <= now


def after_decline(
    policy: DunningPolicy,
    previous: DunningState | None,
    *,
    cycle: int,
    decline: DeclineClass,
    now: datetime,
    reason: str = "",
    instrument: str | None = None,
) -> DunningState:
    """The dunning state once attempt number `failed_attempts` of `cycle` has been declined."""
    ongoing = previous if previous is not None and previous.cycle == cycle else None
    first_failed_at = ongoing.first_failed_at if ongoing else now
    failed = (ongoing.failed_attempts if ongoing else 0) + 1
    grace_end = first_failed_at + timedelta(days=policy.grace_period_days)

    def state(
        next_: Next, final_action_at: datetime, retry_at: datetime | None = None
    ) -> DunningState:
        return DunningState(
            cycle=cycle,
            failed_attempts=failed,
            first_failed_at=first_failed_at,
            decline_class=decline,
            next=next_,
            next_retry_at=retry_at,
            final_action_at=final_action_at,
            reason=reason,
            declined_instrument=instrument,
        )

    if decline in _SHOPPER_FIXES:
        return state(_SHOPPER_FIXES[decline], grace_end)
    offset = policy.retry_offset(failed)
    if offset is None:
        return state(Next.GIVE_UP, max(now, grace_end))
    retry_at = max(now + MIN_RETRY_GAP, first_failed_at + timedelta(days=offset))
    return state(Next.RETRY, max(retry_at, grace_end), retry_at)
