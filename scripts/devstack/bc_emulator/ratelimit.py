"""BigCommerce's per-store limits: a sliding REST window reported in headers on every answer and,
for a store given a plan, its plan's quota and the Payments API's own 50 requests per 4 s."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_MS = 30_000
# REST requests per 30 s window by store plan (shared by every app of the store).
PLAN_QUOTAS = {"standard": 150, "plus": 150, "pro": 450}
PAYMENTS_QUOTA, PAYMENTS_WINDOW_MS = 50, 4_000


class RateWindows:
    """Not locked itself: the emulator calls it under its lock.

    A sliding window is the stricter reading of "a quota refreshed every 30 s": no burst of
    two quotas across a window's edge is ever allowed.
    """

    def __init__(self, clock_ms: Callable[[], float] | None = None) -> None:
        self._clock_ms = clock_ms or (lambda: time.monotonic() * 1000)
        self._windows: dict[str, deque[float]] = {}

    def take(
        self, store_hash: str, quota: int, window_ms: int = WINDOW_MS
    ) -> tuple[bool, dict[str, str]]:
        """Spend one request of the store's window: (allowed, rate-limit headers)."""
        now = self._clock_ms()
        window = self._windows.setdefault(store_hash, deque())
        while window and window[0] <= now - window_ms:
            window.popleft()
        allowed = len(window) < quota
        if allowed:
            window.append(now)
        reset_ms = int(window[0] + window_ms - now) if window else window_ms
        headers = {
            "X-Rate-Limit-Requests-Left": str(max(quota - len(window), 0)),
            "X-Rate-Limit-Requests-Quota": str(quota),
            "X-Rate-Limit-Time-Window-Ms": str(window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(max(reset_ms, 1)),
        }
        if not allowed:
            headers["X-Retry-After"] = str(max(-(-reset_ms // 1000), 1))  # whole seconds, up
        return allowed, headers

    def clear(self) -> None:
        """Forget every window (a fresh quota for every store)."""
        self._windows.clear()


class StoreLimits:
    """Which window a request spends. A store without a plan keeps the emulator's one quota
    for every path (payments included), as the suite has always had it; a store with a plan
    (opt in with `plans[store_hash] = "pro"`) gets its plan's REST quota and, on the payments
    host, a window of its own. The Payments API documents its limit but no rate-limit
    headers, so its answers carry none, a 429 included: a client must pace itself."""

    def __init__(self, windows: RateWindows) -> None:
        self.windows = windows
        self.plans: dict[str, str] = {}

    def admit(
        self, store_hash: str, *, payments: bool, default_quota: int
    ) -> tuple[bool, dict[str, str]]:
        """(allowed, headers to send) for one request to the store."""
        plan = self.plans.get(store_hash)
        if plan is None:
            return self.windows.take(store_hash, default_quota)
        if payments:
            allowed, _ = self.windows.take(
                f"{store_hash}/payments", PAYMENTS_QUOTA, PAYMENTS_WINDOW_MS
            )
            return allowed, {}
        return self.windows.take(store_hash, PLAN_QUOTAS[plan])


def is_payments(path: str) -> bool:
    """The payments host's one route, `/stores/{hash}/payments` (the API's are under v2/v3)."""
    parts = path.split("/")
    return len(parts) > 3 and parts[3] == "payments"
