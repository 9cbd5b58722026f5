"""A pause: indefinite or until a date, ended on request or when that date comes (the renewal
worker applies it). Cycles whose date passes while paused are skipped, never charged.

Each function changes the subscription through its lifecycle and records the events there;
the caller saves it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import events as ev
from .errors import DomainError
from .lifecycle import Command, Status
from .scheduled_change import ChangeKind, InvalidResumeAt, ScheduledChange, resume_at_problem
from .timestamps import iso_timestamp

if TYPE_CHECKING:
    from .subscription import Subscription


def pause(sub: Subscription, now: datetime, resume_at: datetime | None = None) -> None:
    """Paused indefinitely, or until `resume_at`, when the renewal worker resumes it."""
    if resume_at is not None and (problem := resume_at_problem(resume_at, now)) is not None:
        raise InvalidResumeAt(f"resume_at {problem}")
    sub.transition(Command.PAUSE, now)
    sub.unschedule(ChangeKind.RESUME)
    data: dict[str, Any] = {"reason": "requested", "cycle": sub.next_cycle}
    if resume_at is not None:
        change = ScheduledChange.resume(resume_at)
        sub.schedule(change)
        data["resume_at"] = iso_timestamp(change.at)
    sub.record_event(ev.SUBSCRIPTION_PAUSED, now, data)


def resume(sub: Subscription, now: datetime) -> None:
    """Back to active on request; cycles whose date passed while paused are skipped, not
    charged. A scheduled end of the pause is dropped."""
    sub.transition(Command.RESUME, now)
    while sub.next_renewal_at <= now:
        sub.next_cycle += 1
    data = {"reason": "requested", "next_renewal_at": iso_timestamp(sub.next_renewal_at)}
    sub.record_event(ev.SUBSCRIPTION_RESUMED, now, data)


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
