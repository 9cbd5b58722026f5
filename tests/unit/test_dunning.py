"""Dunning over whole schedules: a clock that only moves when the test says so."""

from datetime import datetime, timedelta

import msgspec
import pytest

from bc_subscriptions.domain.declines import DeclineClass
from bc_subscriptions.domain.dunning import MIN_RETRY_GAP, DunningState, Next, after_decline
from bc_subscriptions.domain.tenant_config import PRESETS

from .factories import NOW

DAY = timedelta(days=1)


def _run_schedule(preset: str, decline: DeclineClass) -> list[DunningState]:
    """Decline every attempt, each one made exactly when the previous state asked for it."""
    policy, states, now = PRESETS[preset], [], NOW
    state = None
    while True:
        state = after_decline(policy, state, cycle=2, decline=decline, now=now)
        states.append(state)
        if state.next_retry_at is None:
            return states
        now = state.next_retry_at


@pytest.mark.parametrize(
    ("preset", "retry_days", "final_day", "action"),
    [
        ("standard", [1, 3, 7], 14, "cancel"),
        ("aggressive", [1, 2, 3, 5], 7, "cancel"),
        ("lenient", [3, 7, 14, 21], 30, "pause"),
    ],
)
def test_a_card_that_keeps_declining_follows_the_preset_to_its_final_action(
    preset: str, retry_days: list[int], final_day: int, action: str
) -> None:
    # Given / When every attempt of the cycle is declined for lack of funds
    states = _run_schedule(preset, DeclineClass.INSUFFICIENT_FUNDS)
    # Then retries fall on the preset's days after the first failure, then the final action
    assert [s.next_retry_at for s in states[:-1]] == [NOW + d * DAY for d in retry_days]
    assert [s.failed_attempts for s in states] == list(range(1, PRESETS[preset].max_attempts + 1))
    last = states[-1]
    assert last.next is Next.GIVE_UP and last.next_retry_at is None
    assert last.final_action_at == NOW + final_day * DAY
    assert PRESETS[preset].final_action == action
    assert not last.final_action_due(NOW + final_day * DAY - timedelta(seconds=1))
    assert last.final_action_due(NOW + final_day * DAY)


def test_a_retry_is_due_at_its_time_and_not_before() -> None:
    # Given
    state = after_decline(PRESETS["standard"], None, cycle=2, decline=DeclineClass.SOFT, now=NOW)
    # When / Then
    assert state.due_at == NOW + DAY
    assert not state.retry_due(NOW + DAY - timedelta(seconds=1))
    assert state.retry_due(NOW + DAY)
    assert not state.final_action_due(NOW + 30 * DAY)


def test_the_schedule_counts_from_the_first_failure_not_from_a_late_retry() -> None:
    # Given the first retry (due on day 1) ran late, on day 2
    policy = PRESETS["standard"]
    first = after_decline(policy, None, cycle=2, decline=DeclineClass.SOFT, now=NOW)
    # When it declines too
    second = after_decline(policy, first, cycle=2, decline=DeclineClass.SOFT, now=NOW + 2 * DAY)
    # Then the next retry is still on day 3 (never closer than the minimum gap)
    assert second.first_failed_at == NOW
    assert second.next_retry_at == NOW + 3 * DAY


def test_an_overdue_retry_still_leaves_the_card_a_minimum_gap() -> None:
    # Given the first retry ran on day 10, long after days 1 and 3
    policy = PRESETS["standard"]
    first = after_decline(policy, None, cycle=2, decline=DeclineClass.SOFT, now=NOW)
    late = NOW + 10 * DAY
    # When
    second = after_decline(policy, first, cycle=2, decline=DeclineClass.SOFT, now=late)
    # Then
    assert second.next_retry_at == late + MIN_RETRY_GAP


@pytest.mark.parametrize(
    ("decline", "expected"),
    [(DeclineClass.HARD, Next.NEW_CARD), (DeclineClass.REQUIRES_ACTION, Next.AUTHENTICATE)],
)
def test_declines_only_the_shopper_can_fix_are_never_retried(
    decline: DeclineClass, expected: Next
) -> None:
    # Given / When
    state = after_decline(PRESETS["aggressive"], None, cycle=2, decline=decline, now=NOW)
    # Then no retry, and the final action waits for the grace period
    assert state.next is expected and state.next_retry_at is None
    assert state.final_action_at == NOW + 7 * DAY
    assert state.due_at == state.final_action_at


def test_a_new_cycle_starts_a_new_schedule() -> None:
    # Given cycle 2 failed twice, then was paid; cycle 3 fails
    policy = PRESETS["standard"]
    old = after_decline(policy, None, cycle=2, decline=DeclineClass.SOFT, now=NOW)
    old = after_decline(policy, old, cycle=2, decline=DeclineClass.SOFT, now=NOW + DAY)
    later = NOW + 31 * DAY
    # When
    state = after_decline(policy, old, cycle=3, decline=DeclineClass.SOFT, now=later)
    # Then
    assert (state.failed_attempts, state.first_failed_at) == (1, later)


def test_the_final_action_never_comes_before_the_last_retry() -> None:
    # Given a policy whose grace period ends before its retries do
    policy = msgspec.structs.replace(PRESETS["standard"], grace_period_days=2)
    # When
    state = after_decline(policy, None, cycle=2, decline=DeclineClass.SOFT, now=NOW)
    # Then
    assert isinstance(state.next_retry_at, datetime)
    assert state.final_action_at >= state.next_retry_at
