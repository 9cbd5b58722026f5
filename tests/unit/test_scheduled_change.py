"""The ScheduledChange value: what it may carry, and which states end it."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.record import from_data, to_data
from bc_subscriptions.domain.scheduled_change import ChangeKind, ScheduledChange
from bc_subscriptions.domain.subscription import Subscription

from .factories import NOW, subscription


def test_a_scheduled_resume_is_kept_in_utc_and_carries_no_fee() -> None:
    # Given a resume time in UTC+9
    at = datetime(2026, 3, 1, 16, 0, tzinfo=timezone(timedelta(hours=9)))
    # When it is scheduled
    change = ScheduledChange.resume(at)
    # Then it is the same instant in UTC, without a fee
    assert (change.at, change.at.tzinfo, change.early_cancel_fee) == (at, UTC, None)
    with pytest.raises(ValueError, match="early-cancel fee"):
        ScheduledChange(kind=ChangeKind.RESUME, at=NOW, early_cancel_fee=Decimal("1.00"))


def test_a_scheduled_change_cannot_be_altered_in_place() -> None:
    change = ScheduledChange.cancel(NOW, Decimal("9.50"))
    with pytest.raises(AttributeError):
        change.at = NOW + timedelta(days=1)  # type: ignore[misc]


@pytest.mark.parametrize("status", list(Status))
def test_a_resume_ends_with_the_pause_and_a_cancel_with_the_subscription(status: Status) -> None:
    resume, cancel = ScheduledChange.resume(NOW), ScheduledChange.cancel(NOW, None)
    assert resume.ended_by(status) is (status is not Status.PAUSED)
    assert cancel.ended_by(status) is (status in (Status.CANCELLED, Status.EXPIRED))


def test_a_change_is_due_from_its_time_on() -> None:
    change = ScheduledChange.cancel(NOW, None)
    assert (change.is_due(NOW - timedelta(seconds=1)), change.is_due(NOW)) == (False, True)


def test_a_subscription_holds_at_most_one_change_of_each_kind() -> None:
    # Given a subscription's fields with two scheduled cancels
    fields = to_data(subscription())
    fields["scheduled"] = [ScheduledChange.cancel(NOW, None)] * 2
    # When / Then it does not validate
    with pytest.raises(ValueError, match="at most one scheduled change of each kind"):
        from_data(Subscription, fields)
