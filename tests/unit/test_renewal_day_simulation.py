"""The renewal-day simulation: the real sweep and rate limiter against the emulator's limits."""

from dataclasses import replace

from bc_subscriptions.domain.api_budget import ApiBudget
from devstack.renewal_day import DayConfig, RenewalDay

SMALL_DAY = DayConfig(
    stores=(("pro0", "pro", 900), ("std0", "standard", 200), ("std1", "standard", 200)),
    rest_calls=3,
    payment_calls=1,
    concurrency=50,
)


def test_a_paced_day_finishes_each_store_near_its_floor_without_429s() -> None:
    # Given / When
    result = RenewalDay(SMALL_DAY).run()
    # Then every store is done within 1.15x of what its budget allows, nobody refused
    pro_floor = ApiBudget(rest_quota=450).floor_s(900, 3, 1)
    std_floor = ApiBudget(rest_quota=150).floor_s(200, 3, 1)
    assert result.finished_s["pro0"] <= 1.15 * pro_floor
    assert max(result.finished_s["std0"], result.finished_s["std1"]) <= 1.15 * std_floor
    assert result.rate_limited == 0 and result.others_429 == 0
    assert result.renewals == 1_300


def test_a_worker_cap_too_small_slows_every_store_and_starves_none() -> None:
    # Given a cap of two workers for three stores
    result = RenewalDay(replace(SMALL_DAY, concurrency=2)).run()
    # Then all renewals are still done, and the small stores finish before the big one
    assert result.renewals == 1_300 and result.peak_concurrency == 2
    assert max(result.finished_s["std0"], result.finished_s["std1"]) < result.finished_s["pro0"]


def test_other_apps_taking_more_than_is_left_cost_429s_the_client_then_waits_out() -> None:
    # Given the Pro store's other apps using half its quota (we leave 40%)
    crowded = replace(SMALL_DAY, stores=SMALL_DAY.stores[:1], other_apps_share=0.5)
    # When
    result = RenewalDay(crowded).run()
    # Then BigCommerce refused some of our calls, and every renewal still got done
    assert result.rate_limited > 0 and result.renewals == 900
