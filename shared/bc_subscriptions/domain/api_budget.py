"""A store's BigCommerce budget: how fast its renewals may go, and how a sweep spreads them.

BigCommerce limits each store, not each app: the REST quota (per 30 s window, by plan) is shared
with every other app the merchant runs, and the Payments API has its own 50 requests per 4 s.
The engine takes only its tenant-configured share of the REST quota and paces itself to it.
"""

from __future__ import annotations

import math

import msgspec

REST_WINDOW_S = 30.0
# Requests per window by plan (BigCommerce's published table; Enterprise is per contract).
PLAN_QUOTAS = {"standard": 150, "plus": 150, "pro": 450}
# Until a store's own answers say otherwise, assume the smallest published quota.
DEFAULT_REST_QUOTA = 150
PAYMENTS_LIMIT, PAYMENTS_WINDOW_S = 50, 4.0
# BigCommerce calls of one successful renewal (the order, its metafield tag and the payment
# access token on the REST quota; the payment itself on the payments host). `make bench`
# measures the real workflow and prints its figures beside these.
RENEWAL_REST_CALLS = 3
RENEWAL_PAYMENT_CALLS = 1
# SQS caps a message's delay at 15 minutes.
MAX_DELAY_S = 900
# Below this share of the quota left in the window, a worker waits for the window to reset:
# other apps and our own calls in flight still need room before BigCommerce answers 429.
LOW_WATER_SHARE = 0.05


class ApiBudget(msgspec.Struct, frozen=True):
    """What the engine may spend at one store."""

    rest_quota: int = DEFAULT_REST_QUOTA
    share: float = 0.6  # of the REST quota; the rest is left to the store's other apps
    rest_window_s: float = REST_WINDOW_S
    payments_limit: int = PAYMENTS_LIMIT
    payments_window_s: float = PAYMENTS_WINDOW_S

    def rest_per_second(self) -> float:
        return self.rest_quota * self.share / self.rest_window_s

    def renewals_per_second(
        self, rest_calls: float = RENEWAL_REST_CALLS, payment_calls: float = RENEWAL_PAYMENT_CALLS
    ) -> float:
        """The slower of the REST share and the Payments limit, for what one renewal calls."""
        rest = self.rest_per_second() / rest_calls if rest_calls > 0 else math.inf
        payments_rate = self.payments_limit / self.payments_window_s
        payments = payments_rate / payment_calls if payment_calls > 0 else math.inf
        return min(rest, payments)

    def floor_s(
        self,
        renewals: int,
        rest_calls: float = RENEWAL_REST_CALLS,
        payment_calls: float = RENEWAL_PAYMENT_CALLS,
    ) -> float:
        """The least time `renewals` can take within this budget."""
        return renewals / self.renewals_per_second(rest_calls, payment_calls)


def per_run_allowance(rate: float, period_s: float, max_delay_s: int = MAX_DELAY_S) -> int:
    """How many renewals one sweep run may send a store: what it can do before the next run
    (at least one, so a store is never stalled; never more than the longest delay covers)."""
    return max(1, min(math.floor(rate * period_s + 1e-9), math.floor(rate * max_delay_s) + 1))


def spread_delays(count: int, rate: float, *, first: int = 0) -> list[int]:
    """Whole-second delays that release the `first`-th to `first + count - 1`-th renewal of a
    run at `rate` per second: the i-th waits floor(i / rate), so no second gets more than its
    share and none waits past what SQS allows."""
    return [min(math.floor((first + i) / rate + 1e-9), MAX_DELAY_S) for i in range(count)]


def low_water(quota: int | None) -> int:
    """Requests left at or below which a worker waits for the window's reset."""
    if quota is None or quota <= 0:
        return 1
    return max(1, math.ceil(quota * LOW_WATER_SHARE))
