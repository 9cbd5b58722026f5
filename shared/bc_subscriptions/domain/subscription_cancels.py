"""Cancels: at once on request, at the end of the period (scheduled, withdrawn, or taking
effect when the renewal worker reaches it), or because the store deleted the customer. A cancel
the contract term does not allow yet is `subscription_contract`'s.

Each function changes the subscription through its lifecycle and records the events there;
the caller saves it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec

from . import events as ev
from .errors import DomainError
from .lifecycle import RENEWABLE, Command
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


class CommitmentNotMet(DomainError):
    """The shopper may not cancel before the plan's minimum number of paid cycles."""

    code = "commitment_not_met"


def ensure_commitment_met(sub: Subscription) -> None:
    """Refuse a cancel, now or at period end, before the plan's minimum of paid cycles."""
    if not sub.commitment_met:
        raise CommitmentNotMet(
            f"{sub.paid_cycles} of {sub.terms.commitment_count} committed cycles paid"
        )


def cancel(sub: Subscription, now: datetime, early_cancel_fee: Decimal | None = None) -> None:
    """The shopper cancels; refused until the plan's commitment is met. A fee the store
    charges for an early cancel is recorded as owed in the event."""
    ensure_commitment_met(sub)
    sub.transition(Command.CANCEL, now)
    data: dict[str, Any] = {"reason": "requested", "cycle": sub.next_cycle}
    if early_cancel_fee is not None:
        data["early_cancel_fee"] = owed(early_cancel_fee, sub.currency)
    sub.record_event(ev.SUBSCRIPTION_CANCELLED, now, data)


def stop_for_deleted_customer(sub: Subscription, now: datetime) -> None:
    """The store deleted the customer: nobody is left to bill or ship to, so the
    subscription is cancelled whatever its commitment, and no early-cancel fee is owed."""
    sub.transition(Command.CANCEL, now)
    data: dict[str, Any] = {"reason": "customer_deleted", "cycle": sub.next_cycle}
    sub.record_event(ev.SUBSCRIPTION_CANCELLED, now, data)


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
    ensure_commitment_met(sub)
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


class _CancelWithdrawal(msgspec.Struct, frozen=True):
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
