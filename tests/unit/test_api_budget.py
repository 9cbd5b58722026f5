"""The pacing arithmetic: a store's renewal rate, a run's allowance, the delays that spread it."""

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from bc_subscriptions.domain.api_budget import (
    MAX_DELAY_S,
    ApiBudget,
    low_water,
    per_run_allowance,
    spread_delays,
)

quotas = st.sampled_from([150, 450, 1000, 5000])
shares = st.integers(min_value=10, max_value=90).map(lambda p: p / 100)
rates = st.floats(min_value=0.01, max_value=50, allow_nan=False)
periods = st.sampled_from([60, 300, 600])


def test_a_pro_store_renews_at_the_rest_share_which_is_slower_than_the_payments_limit() -> None:
    # Given a Pro store (450 per 30 s) at the default 60% share, four REST calls a renewal
    budget = ApiBudget(rest_quota=450, share=0.6)
    # When / Then: 270 per 30 s = 9 requests/s = 2.25 renewals/s (payments would allow 12.5)
    assert budget.renewals_per_second(4, 1) == 2.25
    assert budget.floor_s(100_000, 4, 1) == 100_000 / 2.25


def test_the_payments_limit_binds_when_a_renewal_needs_few_rest_calls() -> None:
    # Given a large quota and one REST call a renewal
    budget = ApiBudget(rest_quota=5000, share=0.9)
    # When / Then: 50 payments per 4 s
    assert budget.renewals_per_second(1, 1) == 12.5


@given(quotas, shares, st.integers(min_value=1, max_value=8))
def test_the_renewal_rate_never_spends_more_than_the_share_of_either_limit(
    quota: int, share: float, rest_calls: int
) -> None:
    # Given
    budget = ApiBudget(rest_quota=quota, share=share)
    # When
    rate = budget.renewals_per_second(rest_calls, 1)
    # Then a window's REST calls fit the share, a 4 s window's payments fit the limit
    assert rate * rest_calls * 30 <= quota * share + 1e-6
    assert rate * 4 <= 50 + 1e-9
    # And one of the two limits is met exactly (no budget is left on the table)
    assert math.isclose(rate * rest_calls * 30, quota * share) or math.isclose(rate * 4, 50)


@given(rates, periods)
def test_a_run_sends_what_the_store_can_do_before_the_next_run_and_at_least_one(
    rate: float, period: int
) -> None:
    # When
    allowance = per_run_allowance(rate, period)
    # Then
    assert allowance >= 1
    assert allowance <= max(1, rate * period + 1e-6)
    assert allowance >= min(math.floor(rate * period), math.floor(rate * MAX_DELAY_S))


@settings(deadline=None)  # the machine's speed is not what this checks
@given(rates, st.integers(min_value=0, max_value=2000), st.integers(min_value=0, max_value=500))
def test_spread_delays_never_release_more_than_the_rate_in_any_second(
    rate: float, count: int, first: int
) -> None:
    # When
    delays = spread_delays(count, rate, first=first)
    # Then the delays are whole seconds, ascending, within what SQS allows
    assert len(delays) == count
    assert delays == sorted(delays) and all(0 <= d <= MAX_DELAY_S for d in delays)
    # And over any span of whole seconds, no more leave than the rate allows (plus one)
    per_second = Counter(d for d in delays if d < MAX_DELAY_S)
    for start in per_second:
        for span in (1, 5, 30):
            released = sum(per_second[s] for s in range(start, start + span))
            assert released <= rate * span + 1


@given(rates, st.integers(min_value=1, max_value=300))
def test_a_run_continued_in_rounds_spreads_like_one_run(rate: float, split: int) -> None:
    # Given a run that serves a store in two rounds of its fair share
    whole = spread_delays(400, rate)
    # When / Then
    assert spread_delays(split, rate) + spread_delays(400 - split, rate, first=split) == whole


@given(st.integers(min_value=1, max_value=100_000))
def test_the_low_water_mark_is_at_least_one_request_and_a_twentieth_of_the_quota(
    quota: int,
) -> None:
    # When
    mark = low_water(quota)
    # Then
    assert mark >= 1 and mark >= quota / 20 and mark < quota / 20 + 1


def test_without_a_quota_a_worker_waits_only_at_the_last_request() -> None:
    # Given / When / Then
    assert low_water(None) == 1
    assert low_water(150) == 8 and low_water(450) == 23
