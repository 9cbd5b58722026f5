"""BigCommerce's per-store quota: a sliding 30 s window, reported in headers on every answer."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_MS = 30_000


class RateWindows:
    """Not locked itself: the emulator calls it under its lock."""

    def __init__(self, clock_ms: Callable[[], float] | None = None) -> None:
        self._clock_ms = clock_ms or (lambda: time.monotonic() * 1000)
        self._windows: dict[str, deque[float]] = {}

    def take(self, store_hash: str, quota: int) -> tuple[bool, dict[str, str]]:
        """Spend one request of the store's window: (allowed, rate-limit headers)."""
        now = self._clock_ms()
        window = self._windows.setdefault(store_hash, deque())
        while window and window[0] <= now - WINDOW_MS:
            window.popleft()
        allowed = len(window) < quota
        if allowed:
            window.append(now)
        reset_ms = int(window[0] + WINDOW_MS - now) if window else WINDOW_MS
        headers = {
            "X-Rate-Limit-Requests-Left": str(max(quota - len(window), 0)),
            "X-Rate-Limit-Requests-Quota": str(quota),
            "X-Rate-Limit-Time-Window-Ms": str(WINDOW_MS),
            "X-Rate-Limit-Time-Reset-Ms": str(max(reset_ms, 1)),
        }
        if not allowed:
            headers["X-Retry-After"] = str(max(-(-reset_ms // 1000), 1))  # whole seconds, up
        return allowed, headers

    def clear(self) -> None:
        """Forget every window (a fresh quota for every store)."""
        self._windows.clear()
