"""Changes scheduled ahead, applied to a subscription: the end of a pause coming, and a cancel
at the end of the period (scheduled, withdrawn, or taking effect). The values themselves are
`scheduled_change`'s; a pause with an end date is scheduled by `Subscription.pause`.

Each function changes the subscription through its lifecycle and records the events there;
the caller saves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import events as ev
from .errors import DomainError
from .lifecycle import RENEWABLE, Command, Status
from .scheduled_change import (
    CancelAlreadyScheduled,
    CancelAtPeriodEndUnavailable,
    ChangeKind,
    NoScheduledCancel,
    ScheduledChange,
)
from .timestamps import iso_timestamp

if TYPE_CHECKING:
    from .subscription import Subscription


def first_cycle_from(sub: Subscription, when: datetime) -> int:
    """The first cycle, from the next one on, that starts at or after `when`."""
    cycle = sub.next_cycle
    while sub.cycle_starts_at(cycle) < when:
        cycle += 1
    return cycle


def resume_due(sub: Subscription, now: datetime) -> bool:
    """A scheduled end of the pause has come."""
    change = sub.scheduled_change(ChangeKind.RESUME)
    return sub.status == Status.PAUSED and change is not None and change.is_due(now)


def resume_as_scheduled(sub: Subscription, now: datetime) -> None:
    """The pause's end came: active again. Cycles starting before `resume_at` are skipped;
    the first one starting at or after it renews as usual (even if that is already past,
    when the worker runs late)."""
    resume_at = sub.scheduled_at(ChangeKind.RESUME)
    if resume_at is None or not resume_due(sub, now):
        raise DomainError("no scheduled resume is due")
    sub.transition(Command.RESUME, now)
    sub.next_cycle = first_cycle_from(sub, resume_at)
    data = {
        "reason": "scheduled",
        "resume_at": iso_timestamp(resume_at),
        "next_renewal_at": iso_timestamp(sub.next_renewal_at),
    }
    sub.record_event(ev.SUBSCRIPTION_RESUMED, now, data)


def ensure_cancel_schedulable(sub: Subscription) -> None:
    """A cancel at period end needs a running period and none scheduled already."""
    if (cancel_at := sub.scheduled_at(ChangeKind.CANCEL)) is not None:
        raise CancelAlreadyScheduled(f"a cancel is already scheduled at {iso_timestamp(cancel_at)}")
    if sub.status not in RENEWABLE:
        raise CancelAtPeriodEndUnavailable(sub.status)


def schedule_cancel(
    sub: Subscription, now: datetime, early_cancel_fee: Decimal | None = None
) -> None:
    """The shopper cancels at the end of the period in progress: the subscription runs
    until its next renewal date, which is cancelled instead of charged. The fee is the one
    owed at request time."""
    ensure_cancel_schedulable(sub)
    sub.ensure_commitment_met()
    sub.schedule(ScheduledChange.cancel(sub.next_renewal_at, early_cancel_fee))
    sub.updated_at = now
    data: dict[str, Any] = {
        "cancel_at": iso_timestamp(sub.next_renewal_at),
        "cycle": sub.next_cycle,
    }
    if early_cancel_fee is not None:
        data["early_cancel_fee"] = owed(early_cancel_fee, sub.currency)
    sub.record_event(ev.SUBSCRIPTION_CANCEL_SCHEDULED, now, data)


def cancel_due(sub: Subscription, now: datetime) -> bool:
    """A scheduled cancel has come."""
    change = sub.scheduled_change(ChangeKind.CANCEL)
    return change is not None and change.is_due(now)


def cancel_as_scheduled(sub: Subscription, now: datetime) -> None:
    """`cancel_at` came: cancelled, nothing charged for the cycle starting then."""
    change = sub.scheduled_change(ChangeKind.CANCEL)
    if change is None or not cancel_due(sub, now):
        raise DomainError("no scheduled cancel is due")
    cancel_at, fee = change.at, change.early_cancel_fee
    sub.transition(Command.CANCEL, now)
    sub.dunning, sub.action_link = None, None
    data: dict[str, Any] = {
        "reason": "period_end",
        "cycle": sub.next_cycle,
        "cancel_at": iso_timestamp(cancel_at),
    }
    if fee is not None:
        data["early_cancel_fee"] = owed(fee, sub.currency)
    sub.record_event(ev.SUBSCRIPTION_CANCELLED, now, data)


@dataclass(frozen=True)
class _CancelWithdrawal:
    """An amendment: the scheduled cancel is dropped, so the next renewal happens after all."""

    def check(self, sub: Subscription) -> None:
        if sub.scheduled_at(ChangeKind.CANCEL) is None:
            raise NoScheduledCancel("no cancel is scheduled")

    def apply(self, sub: Subscription) -> dict[str, Any]:
        before = sub.scheduled_at(ChangeKind.CANCEL)
        assert before is not None  # checked first
        sub.unschedule(ChangeKind.CANCEL)
        return {"cancel_at": [iso_timestamp(before), None]}


def withdraw_scheduled_cancel(sub: Subscription, now: datetime) -> None:
    """The shopper keeps the subscription after all: the scheduled cancel is dropped."""
    sub.amend(_CancelWithdrawal(), now)


def owed(fee: Decimal, currency: str) -> dict[str, str]:
    """An early-cancel fee as the cancel's events carry it: owed, not charged."""
    return {"amount": str(fee), "currency": currency, "status": "owed"}
