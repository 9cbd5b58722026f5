"""Renewal date arithmetic, by example and by property."""

import calendar
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain.schedule import Interval, add_months, shift

anchors = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)
counts = st.integers(min_value=1, max_value=12)
periods = st.integers(min_value=0, max_value=120)


def test_month_end_anchor_clamps_then_returns_to_the_anchor_day() -> None:
    # Given a subscription bought on January 31st
    anchor = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    # When we compute its next three monthly renewals
    dates = [shift(anchor, Interval.MONTH, 1, n) for n in (1, 2, 3)]
    # Then February is clamped and March is back on the 31st
    assert [d.date().isoformat() for d in dates] == ["2026-02-28", "2026-03-31", "2026-04-30"]
    assert all(d.time() == anchor.time() for d in dates)


def test_leap_year_february_keeps_the_29th() -> None:
    # Given / When
    renewal = shift(datetime(2028, 1, 31, tzinfo=UTC), Interval.MONTH, 1, 1)
    # Then
    assert renewal.date().isoformat() == "2028-02-29"


def test_yearly_renewal_of_a_leap_day_lands_on_february_28th() -> None:
    # Given / When
    renewal = shift(datetime(2028, 2, 29, tzinfo=UTC), Interval.YEAR, 1, 1)
    # Then
    assert renewal.date().isoformat() == "2029-02-28"


@given(anchors, counts, periods)
def test_monthly_renewals_keep_the_anchor_day_or_the_months_last_day(
    anchor: datetime, count: int, n: int
) -> None:
    # When
    renewal = shift(anchor, Interval.MONTH, count, n)
    # Then
    last_day = calendar.monthrange(renewal.year, renewal.month)[1]
    assert renewal.day == min(anchor.day, last_day)
    months = (renewal.year - anchor.year) * 12 + renewal.month - anchor.month
    assert months == count * n


@given(anchors, st.sampled_from(list(Interval)), counts, periods)
def test_renewals_strictly_increase_with_the_period(
    anchor: datetime, interval: Interval, count: int, n: int
) -> None:
    # When / Then
    assert shift(anchor, interval, count, n + 1) > shift(anchor, interval, count, n)


@given(anchors, counts, periods)
def test_days_and_weeks_are_exact_durations(anchor: datetime, count: int, n: int) -> None:
    # When / Then
    assert shift(anchor, Interval.DAY, count, n) - anchor == timedelta(days=count * n)
    assert shift(anchor, Interval.WEEK, count, n) - anchor == timedelta(weeks=count * n)


@given(anchors, st.integers(min_value=0, max_value=600), st.integers(min_value=0, max_value=600))
def test_computing_from_the_anchor_never_drifts_earlier_than_chaining(
    anchor: datetime, a: int, b: int
) -> None:
    # Chaining renewals (Jan 31 -> Feb 28 -> Mar 28) loses days; computing from the anchor does not.
    # When
    from_anchor = add_months(anchor, a + b)
    chained = add_months(add_months(anchor, a), b)
    # Then
    assert (from_anchor.year, from_anchor.month) == (chained.year, chained.month)
    assert from_anchor.day >= chained.day
