"""Scheduled changes of the Subscription: a pause until a date, and a cancel at period end."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.errors import DomainError, InvalidTransition
from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.plan import Cadence, PlanTerms
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.scheduled_change import (
    MAX_PAUSE_DAYS,
    CancelAlreadyScheduled,
    CancelAtPeriodEndUnavailable,
    ChangeKind,
    InvalidResumeAt,
    NoScheduledCancel,
)
from bc_subscriptions.domain.subscription_cancels import (
    CommitmentNotMet,
    cancel,
    cancel_as_scheduled,
    cancel_due,
    schedule_cancel,
    withdraw_scheduled_cancel,
)
from bc_subscriptions.domain.subscription_dunning import record_payment_failure
from bc_subscriptions.domain.subscription_pauses import (
    first_cycle_from,
    pause,
    resume,
    resume_as_scheduled,
    resume_due,
)

from .factories import NOW, subscription

RESUME, CANCEL = ChangeKind.RESUME, ChangeKind.CANCEL


def _data(sub_events: list[ev.DomainEvent], type_: str) -> dict[str, object]:
    [event] = [e for e in sub_events if e.type == type_]
    return dict(event.data)


def test_a_pause_until_a_date_is_due_at_that_date_and_says_so() -> None:
    # Given
    sub = subscription()
    sub.pull_events()
    resume_at = NOW + timedelta(days=45)
    # When
    pause(sub, NOW, resume_at)
    # Then
    assert (sub.status, sub.scheduled_at(RESUME), sub.due_at()) == (
        Status.PAUSED,
        resume_at,
        resume_at,
    )
    assert _data(sub.pull_events(), ev.SUBSCRIPTION_PAUSED)["resume_at"] == "2026-03-17T12:00:00Z"
    assert not resume_due(sub, resume_at - timedelta(seconds=1))
    assert resume_due(sub, resume_at)


@pytest.mark.parametrize(
    "offset",
    [timedelta(0), timedelta(seconds=-1), timedelta(days=MAX_PAUSE_DAYS, seconds=1)],
)
def test_a_resume_date_not_in_the_future_or_too_far_ahead_is_refused(offset: timedelta) -> None:
    # Given
    sub = subscription()
    # When / Then
    with pytest.raises(InvalidResumeAt):
        pause(sub, NOW, NOW + offset)
    assert sub.status is Status.ACTIVE and sub.scheduled_at(RESUME) is None


def test_a_resume_date_in_another_zone_is_kept_in_utc() -> None:
    sub = subscription()
    pause(sub, NOW, datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=2))))
    assert sub.scheduled_at(RESUME) == datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
    assert _data(sub.pull_events(), ev.SUBSCRIPTION_PAUSED)["resume_at"] == "2026-03-01T07:00:00Z"


def test_the_furthest_resume_date_allowed_is_max_pause_days_ahead() -> None:
    sub = subscription()
    pause(sub, NOW, NOW + timedelta(days=MAX_PAUSE_DAYS))
    assert sub.scheduled_at(RESUME) == NOW + timedelta(days=MAX_PAUSE_DAYS)


def test_the_scheduled_resume_skips_cycles_before_it_and_renews_one_starting_at_it() -> None:
    # Given a monthly subscription (cycle 2 starts Feb 28, cycle 3 Mar 31) paused until the
    # very start of cycle 3
    sub = subscription()
    cycle_3 = sub.cycle_starts_at(3)
    pause(sub, NOW, cycle_3)
    sub.pull_events()
    # When the worker applies it
    resume_as_scheduled(sub, cycle_3 + timedelta(minutes=3))
    # Then cycle 2 (before resume_at) is skipped, cycle 3 (at it) is the next renewal, due now
    assert (sub.status, sub.next_cycle, sub.scheduled_at(RESUME)) == (Status.ACTIVE, 3, None)
    assert sub.is_due(cycle_3 + timedelta(minutes=3))
    data = _data(sub.pull_events(), ev.SUBSCRIPTION_RESUMED)
    assert data["reason"] == "scheduled" and data["next_renewal_at"] == "2026-03-31T12:00:00Z"


def test_a_resume_one_second_after_a_cycle_start_skips_that_cycle() -> None:
    sub = subscription()
    cycle_3 = sub.cycle_starts_at(3)
    pause(sub, NOW, cycle_3 + timedelta(seconds=1))
    resume_as_scheduled(sub, cycle_3 + timedelta(seconds=1))
    assert sub.next_cycle == 4


def test_a_scheduled_resume_before_it_is_due_or_without_a_date_is_refused() -> None:
    sub = subscription()
    pause(sub, NOW, NOW + timedelta(days=5))
    with pytest.raises(DomainError):
        resume_as_scheduled(sub, NOW + timedelta(days=4))
    indefinite = subscription()
    pause(indefinite, NOW)
    with pytest.raises(DomainError):
        resume_as_scheduled(indefinite, NOW + timedelta(days=400))


def test_a_manual_resume_clears_the_scheduled_one() -> None:
    # Given
    sub = subscription()
    pause(sub, NOW, NOW + timedelta(days=60))
    sub.pull_events()
    # When
    resume(sub, NOW + timedelta(days=1))
    # Then
    assert sub.scheduled_at(RESUME) is None and not resume_due(sub, NOW + timedelta(days=61))
    assert _data(sub.pull_events(), ev.SUBSCRIPTION_RESUMED)["reason"] == "requested"


_CADENCES = st.builds(
    lambda interval, count: Cadence(label="c", interval=interval, interval_count=count),
    st.sampled_from(list(Interval)),
    st.integers(min_value=1, max_value=6),
)


@given(
    cadence=_CADENCES,
    anchor=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
    ),
    paused_after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
    pause_for=st.timedeltas(
        min_value=timedelta(seconds=1), max_value=timedelta(days=MAX_PAUSE_DAYS)
    ),
    late=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3)),
    on_a_cycle_start=st.booleans(),
)
def test_after_a_scheduled_resume_the_next_renewal_is_the_first_cycle_at_or_after_it(
    cadence: Cadence,
    anchor: datetime,
    paused_after: timedelta,
    pause_for: timedelta,
    late: timedelta,
    on_a_cycle_start: bool,
) -> None:
    # Given a subscription paused at some point, until some date (sometimes exactly a cycle's
    # start, the boundary), resumed by a worker that may run late
    sub = subscription(cadence=cadence, now=anchor)
    paused_at = anchor + paused_after
    resume_at = paused_at + pause_for
    if on_a_cycle_start:
        start = sub.cycle_starts_at(first_cycle_from(sub, resume_at))
        if start <= paused_at + timedelta(days=MAX_PAUSE_DAYS):
            resume_at = start
    next_before = sub.next_cycle
    pause(sub, paused_at, resume_at)
    # When
    resume_as_scheduled(sub, resume_at + late)
    # Then no cycle starting before resume_at is left to charge, and the next renewal is the
    # first cycle starting at or after it
    assert sub.status is Status.ACTIVE
    assert sub.next_renewal_at >= resume_at
    assert sub.next_cycle == next_before or sub.cycle_starts_at(sub.next_cycle - 1) < resume_at
    assert sub.due_at() == sub.next_renewal_at


def test_a_cancel_at_period_end_is_scheduled_at_the_next_renewal_with_the_fee() -> None:
    # Given
    sub = subscription()
    sub.pull_events()
    renewal = sub.next_renewal_at
    # When
    schedule_cancel(sub, NOW, Decimal("9.50"))
    # Then it stays active, due at the renewal date, which is the cancel date
    assert (sub.status, sub.scheduled_at(CANCEL), sub.due_at()) == (Status.ACTIVE, renewal, renewal)
    data = _data(sub.pull_events(), ev.SUBSCRIPTION_CANCEL_SCHEDULED)
    assert data == {
        "cancel_at": "2026-02-28T12:00:00Z",
        "cycle": 2,
        "early_cancel_fee": {"amount": "9.50", "currency": "USD", "status": "owed"},
    }


def test_at_cancel_at_it_is_cancelled_with_the_fee_recorded_at_request_time() -> None:
    # Given
    sub = subscription()
    schedule_cancel(sub, NOW, Decimal("9.50"))
    cancel_at = sub.scheduled_at(CANCEL)
    assert cancel_at is not None
    sub.pull_events()
    # When / Then: not before
    assert not cancel_due(sub, cancel_at - timedelta(seconds=1))
    with pytest.raises(DomainError):
        cancel_as_scheduled(sub, cancel_at - timedelta(seconds=1))
    cancel_as_scheduled(sub, cancel_at)
    assert (sub.status, sub.scheduled_at(CANCEL), sub.due_at()) == (Status.CANCELLED, None, None)
    data = _data(sub.pull_events(), ev.SUBSCRIPTION_CANCELLED)
    assert data["reason"] == "period_end" and data["cancel_at"] == "2026-02-28T12:00:00Z"
    assert data["early_cancel_fee"] == {"amount": "9.50", "currency": "USD", "status": "owed"}


def test_a_paused_subscription_is_still_due_at_its_scheduled_cancel() -> None:
    # Given a cancel at period end, then an indefinite pause
    sub = subscription()
    schedule_cancel(sub, NOW)
    pause(sub, NOW)
    # Then
    assert sub.due_at() == sub.scheduled_at(CANCEL)
    # And a pause until later than the cancel is due at the cancel
    other = subscription()
    schedule_cancel(other, NOW)
    pause(other, NOW, NOW + timedelta(days=90))
    assert other.due_at() == other.scheduled_at(CANCEL)


@pytest.mark.parametrize("status_change", ["pause", "past_due", "cancel"])
def test_only_trialing_or_active_subscriptions_can_cancel_at_period_end(
    status_change: str,
) -> None:
    # Given
    sub = subscription()
    if status_change == "pause":
        pause(sub, NOW)
    elif status_change == "cancel":
        cancel(sub, NOW)
    else:
        record_payment_failure(sub, cycle=2, order_id=1, code=30104, reason="soft", now=NOW)
    # When / Then
    with pytest.raises(CancelAtPeriodEndUnavailable) as refused:
        schedule_cancel(sub, NOW)
    assert refused.value.code == "cancel_at_period_end_unavailable"
    assert "immediately" in str(refused.value)


def test_a_trialing_subscription_cancels_at_the_end_of_its_trial() -> None:
    sub = subscription(trial_days=14)
    schedule_cancel(sub, NOW)
    assert sub.scheduled_at(CANCEL) == NOW + timedelta(days=14)


def test_a_second_cancel_at_period_end_and_one_inside_the_commitment_are_refused() -> None:
    sub = subscription()
    schedule_cancel(sub, NOW)
    with pytest.raises(CancelAlreadyScheduled):
        schedule_cancel(sub, NOW)
    committed = subscription(terms=PlanTerms(commitment_count=3))
    with pytest.raises(CommitmentNotMet):
        schedule_cancel(committed, NOW)
    assert committed.scheduled_at(CANCEL) is None


def test_withdrawing_a_scheduled_cancel_records_the_change() -> None:
    # Given
    sub = subscription()
    schedule_cancel(sub, NOW, Decimal("9.50"))
    sub.pull_events()
    # When
    withdraw_scheduled_cancel(sub, NOW)
    # Then
    assert (sub.scheduled_change(CANCEL), sub.scheduled) == (None, ())
    data = _data(sub.pull_events(), ev.SUBSCRIPTION_UPDATED)
    assert data["changes"] == {"cancel_at": ["2026-02-28T12:00:00Z", None]}
    with pytest.raises(NoScheduledCancel):
        withdraw_scheduled_cancel(sub, NOW)


def test_an_immediate_cancel_ends_a_scheduled_one() -> None:
    sub = subscription()
    schedule_cancel(sub, NOW)
    cancel(sub, NOW)
    assert sub.scheduled_at(CANCEL) is None
    with pytest.raises(NoScheduledCancel):
        withdraw_scheduled_cancel(sub, NOW)
    with pytest.raises(InvalidTransition):
        resume(sub, NOW)
