"""Changes that take effect later: the end of a pause, and a cancel at the end of the period.

The renewal worker applies each when its time comes; the subscription keeps at most one of
each kind, and drops one once the state it was scheduled for has ended.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from .errors import DomainError
from .lifecycle import Status
from .record import FrozenRecord

# The furthest a pause may be scheduled to end: a longer break is an indefinite pause.
MAX_PAUSE_DAYS = 365


class ChangeKind(StrEnum):
    RESUME = "resume"
    CANCEL = "cancel"


class ScheduledChange(FrozenRecord, frozen=True, kw_only=True):
    """One change and when it takes effect. A cancel carries the early-cancel fee decided when
    it was asked for (None: no fee), owed once it takes effect."""

    kind: ChangeKind
    at: datetime
    early_cancel_fee: Decimal | None = None

    def __post_init__(self) -> None:
        if self.early_cancel_fee is not None and self.kind is not ChangeKind.CANCEL:
            raise ValueError("only a scheduled cancel carries an early-cancel fee")

    @classmethod
    def resume(cls, at: datetime) -> ScheduledChange:
        return cls(kind=ChangeKind.RESUME, at=at.astimezone(UTC))

    @classmethod
    def cancel(cls, at: datetime, early_cancel_fee: Decimal | None) -> ScheduledChange:
        return cls(kind=ChangeKind.CANCEL, at=at, early_cancel_fee=early_cancel_fee)

    def is_due(self, now: datetime) -> bool:
        return self.at <= now

    def ended_by(self, status: Status) -> bool:
        """Whether entering `status` makes the change moot: a pause's end once the
        subscription is no longer paused, a cancel once it is cancelled or expired."""
        if self.kind is ChangeKind.RESUME:
            return status != Status.PAUSED
        return status in (Status.CANCELLED, Status.EXPIRED)


class InvalidResumeAt(DomainError):
    """A scheduled resume must lie in the future and at most MAX_PAUSE_DAYS ahead."""

    code = "invalid_resume_at"


class CancelAtPeriodEndUnavailable(DomainError):
    """Only a trialing or active subscription has a period whose end a cancel can wait for."""

    code = "cancel_at_period_end_unavailable"

    def __init__(self, status: Status):
        super().__init__(
            f"a {status.value} subscription cannot be cancelled at period end; "
            "cancel it immediately instead"
        )


class CancelAlreadyScheduled(DomainError):
    code = "cancel_already_scheduled"


class NoScheduledCancel(DomainError):
    code = "no_scheduled_cancel"


def resume_at_problem(resume_at: datetime, now: datetime) -> str | None:
    """Why `resume_at` cannot end a pause requested at `now` (None: it can)."""
    if resume_at <= now:
        return "must be in the future"
    if resume_at > now + timedelta(days=MAX_PAUSE_DAYS):
        return f"must be at most {MAX_PAUSE_DAYS} days ahead"
    return None
