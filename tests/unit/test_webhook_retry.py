"""Outbound retry schedule: Standard Webhooks delays, jitter that only lengthens, Retry-After."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain.webhook_retry import (
    MAX_ATTEMPTS,
    MAX_RETRY_AFTER,
    RETRY_DELAYS,
    next_retry_delay,
    retry_after_seconds,
    should_disable,
)

jitters = st.floats(min_value=0, max_value=1, exclude_max=True)


def test_the_schedule_without_jitter_is_the_standard_webhooks_one() -> None:
    delays = [next_retry_delay(a, jitter=0) for a in range(1, MAX_ATTEMPTS)]
    assert [d.total_seconds() for d in delays if d] == [
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        50400,
        72000,
        86400,
    ]
    assert next_retry_delay(MAX_ATTEMPTS, jitter=0) is None
    assert MAX_ATTEMPTS == 10


@given(st.lists(jitters, min_size=MAX_ATTEMPTS - 1, max_size=MAX_ATTEMPTS - 1))
def test_the_whole_schedule_spans_more_than_three_days_and_a_half_at_most(
    draws: list[float],
) -> None:
    delays = [
        next_retry_delay(a, jitter=j) for a, j in zip(range(1, MAX_ATTEMPTS), draws, strict=True)
    ]
    total = sum((d for d in delays if d is not None), timedelta())
    assert timedelta(days=3) < total < timedelta(days=3, hours=12)


@given(st.integers(min_value=1, max_value=MAX_ATTEMPTS - 1), jitters)
def test_jitter_lengthens_a_delay_by_at_most_ten_percent(attempt: int, jitter: float) -> None:
    delay = next_retry_delay(attempt, jitter=jitter)
    base = RETRY_DELAYS[attempt - 1]
    assert delay is not None and base <= delay <= base * 1.1 + timedelta(milliseconds=1)


@given(
    st.integers(min_value=1, max_value=MAX_ATTEMPTS - 1),
    jitters,
    st.integers(min_value=0, max_value=10 * 86400),
)
def test_retry_after_is_honoured_up_to_a_day(attempt: int, jitter: float, seconds: int) -> None:
    asked = timedelta(seconds=seconds)
    delay = next_retry_delay(attempt, jitter=jitter, retry_after=asked)
    plain = next_retry_delay(attempt, jitter=jitter)
    assert delay is not None and plain is not None
    assert delay >= min(asked, timedelta(days=1)) and delay >= plain
    assert delay <= max(plain, timedelta(days=1))


@pytest.mark.parametrize("attempt", [0, -1, MAX_ATTEMPTS, MAX_ATTEMPTS + 5])
def test_no_retry_outside_the_schedule(attempt: int) -> None:
    assert next_retry_delay(attempt, jitter=0.5) is None


def test_an_endpoint_is_disabled_after_five_days_of_failure() -> None:
    assert not should_disable(timedelta(days=4, hours=23, minutes=59))
    assert should_disable(timedelta(days=5))


@given(st.text(max_size=80))
def test_any_retry_after_text_is_a_bounded_number_of_seconds_or_nothing(text: str) -> None:
    # Given any header value / When it is read
    seconds = retry_after_seconds(text, datetime(2026, 1, 1, tzinfo=UTC))
    # Then it is nothing, or whole seconds within what we ever honour
    assert seconds is None or 0 <= seconds <= MAX_RETRY_AFTER.total_seconds()


@given(st.integers(min_value=-(10**40), max_value=10**40))
def test_a_numeric_retry_after_is_capped_and_a_negative_one_ignored(value: int) -> None:
    seconds = retry_after_seconds(str(value), datetime(2026, 1, 1, tzinfo=UTC))
    cap = int(MAX_RETRY_AFTER.total_seconds())
    assert seconds == (None if value < 0 else min(value, cap))
