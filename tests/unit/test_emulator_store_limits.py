"""The emulator's per-store plan limits: BigCommerce's REST quota by plan and the Payments API's."""

from devstack.bc_emulator.ratelimit import RateWindows, StoreLimits, is_payments


class _Clock:
    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self) -> float:
        return self.ms


def _limits() -> tuple[StoreLimits, _Clock]:
    clock = _Clock()
    return StoreLimits(RateWindows(clock)), clock


def test_a_pro_store_gets_450_requests_a_window_then_a_429_with_the_wait() -> None:
    # Given a Pro store
    limits, clock = _limits()
    limits.plans["pro1"] = "pro"
    # When it spends its window within one second
    answers = []
    for i in range(451):
        clock.ms = i
        answers.append(limits.admit("pro1", payments=False, default_quota=150))
    # Then 450 pass, counting down, and the 451st is refused until the first one ages out
    assert all(ok for ok, _ in answers[:450]) and not answers[450][0]
    assert answers[0][1]["X-Rate-Limit-Requests-Left"] == "449"
    assert answers[0][1]["X-Rate-Limit-Requests-Quota"] == "450"
    refused = answers[450][1]
    assert refused["X-Rate-Limit-Time-Window-Ms"] == "30000"
    assert refused["X-Rate-Limit-Time-Reset-Ms"] == "29550" and refused["X-Retry-After"] == "30"
    # And once the oldest request is 30 s old, one more fits
    clock.ms = 30_000
    assert limits.admit("pro1", payments=False, default_quota=150)[0]


def test_a_standard_store_is_limited_to_150_whatever_the_default_quota() -> None:
    # Given a Standard store beside an emulator-wide quota of 100,000
    limits, _ = _limits()
    limits.plans["std1"] = "standard"
    # When
    allowed = [limits.admit("std1", payments=False, default_quota=100_000)[0] for _ in range(151)]
    # Then
    assert allowed.count(True) == 150 and allowed[-1] is False


def test_payments_have_their_own_50_per_4_seconds_and_answer_without_rate_headers() -> None:
    # Given a Plus store that has spent nothing of its REST quota
    limits, clock = _limits()
    limits.plans["plus1"] = "plus"
    # When 51 payments are asked for within 4 s
    answers = [limits.admit("plus1", payments=True, default_quota=150) for _ in range(51)]
    # Then the 51st is refused, none says how long to wait, and REST is untouched
    assert [ok for ok, _ in answers].count(True) == 50 and not answers[50][0]
    assert all(headers == {} for _, headers in answers)
    rest_ok, rest_headers = limits.admit("plus1", payments=False, default_quota=150)
    assert rest_ok and rest_headers["X-Rate-Limit-Requests-Left"] == "149"
    # And 4 s later the payments window has room again
    clock.ms = 4_000
    assert limits.admit("plus1", payments=True, default_quota=150)[0]


def test_a_store_without_a_plan_shares_the_default_quota_across_every_path() -> None:
    # Given no plan (the suite's stores)
    limits, _ = _limits()
    # When two REST calls and a payment are made under a quota of 3
    allowed = [
        limits.admit("s", payments=False, default_quota=3)[0],
        limits.admit("s", payments=True, default_quota=3)[0],
        limits.admit("s", payments=False, default_quota=3)[0],
        limits.admit("s", payments=False, default_quota=3)[0],
    ]
    # Then the payment spent the same window
    assert allowed == [True, True, True, False]


def test_the_payments_host_route_is_told_apart_from_the_api_routes() -> None:
    # Given / When / Then
    assert is_payments("/stores/abc/payments")
    assert not is_payments("/stores/abc/v3/payments/access_tokens")
    assert not is_payments("/stores/abc/v2/orders")
