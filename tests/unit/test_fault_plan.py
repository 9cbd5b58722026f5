"""The emulator's random fault mode: a seeded, repeatable share of failing calls."""

import pytest

from devstack.bc_emulator.faults import FaultPlan


def _draw(plan: FaultPlan, calls: int) -> list[str | None]:
    return [plan.take("GET", f"/stores/s/v2/orders/{i}") for i in range(calls)]


def test_random_faults_hit_about_the_asked_share_of_calls_and_are_counted() -> None:
    # Given a plan failing 5% of calls
    plan = FaultPlan()
    plan.randomly(0.05, seed=7)
    # When 4,000 calls are made
    drawn = _draw(plan, 4000)
    # Then about 200 failed, every kind counted as it was drawn
    failed = [k for k in drawn if k is not None]
    assert 140 <= len(failed) <= 260
    assert sum(plan.drawn.values()) == len(failed)
    assert set(plan.drawn) == {"5xx_before", "5xx_after", "timeout_before", "timeout_after", "429"}


def test_the_same_seed_draws_the_same_faults() -> None:
    # Given two plans with the same seed
    a, b = FaultPlan(), FaultPlan()
    a.randomly(0.1, seed=42)
    b.randomly(0.1, seed=42)
    # When / Then
    assert _draw(a, 500) == _draw(b, 500)


def test_an_injected_fault_comes_before_a_random_one_and_clear_stops_both() -> None:
    # Given a plan failing every call at random with 429, and one injected 5xx
    plan = FaultPlan()
    plan.randomly(1.0, seed=1, kinds=["429"])
    plan.inject("GET", "/stores/*", "5xx_before")
    # When / Then the injected one comes first, then the random ones
    assert _draw(plan, 2) == ["5xx_before", "429"]
    plan.clear()
    assert _draw(plan, 3) == [None, None, None]


@pytest.mark.parametrize(("rate", "kinds"), [(1.5, ["429"]), (0.1, []), (0.1, ["boom"])])
def test_a_rate_outside_zero_to_one_or_an_unknown_kind_is_refused(
    rate: float, kinds: list[str]
) -> None:
    # Given / When / Then
    with pytest.raises(ValueError):
        FaultPlan().randomly(rate, seed=1, kinds=kinds)
