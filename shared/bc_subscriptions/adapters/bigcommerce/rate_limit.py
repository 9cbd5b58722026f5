"""Per-store pacing from BigCommerce's rate-limit headers (the quota is shared with other apps)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

from ...domain.api_budget import low_water

MAX_WAIT_S = 30.0


class RateLimits:
    """Remembers each store's last `Requests-Left` and waits out the window before hitting 0,
    leaving a few requests for the store's other apps and our own calls in flight."""

    def __init__(
        self, sleep: Callable[[float], None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._sleep, self._clock = sleep, clock
        self._resume_at: dict[str, float] = {}
        # Each store's quota as its last answer gave it (its plan's, which the sweep paces by).
        self.quotas: dict[str, int] = {}
        self._lock = threading.Lock()

    def observe(self, store_hash: str, headers: Mapping[str, str]) -> None:
        """Record a response's headers; at the low-water mark of the store's quota (one
        request without a quota header) the next call waits for the reset."""
        left = _number(headers.get("X-Rate-Limit-Requests-Left"))
        reset_ms = _number(headers.get("X-Rate-Limit-Time-Reset-Ms"))
        quota = _number(headers.get("X-Rate-Limit-Requests-Quota"))
        if quota is not None:
            self.quotas[store_hash] = int(quota)
        if left is None or reset_ms is None:
            return
        with self._lock:
            if left <= low_water(None if quota is None else int(quota)):
                self._resume_at[store_hash] = self._clock() + reset_ms / 1000
            else:
                self._resume_at.pop(store_hash, None)

    def forget(self, store_hash: str) -> None:
        """The caller has just waited out the window itself (after a 429)."""
        with self._lock:
            self._resume_at.pop(store_hash, None)

    def wait_if_exhausted(self, store_hash: str) -> None:
        """Sleep until the store's window resets, if the last answer said it was nearly spent."""
        with self._lock:
            resume_at = self._resume_at.pop(store_hash, None)
        if resume_at is not None and (wait := resume_at - self._clock()) > 0:
            self._sleep(min(wait, MAX_WAIT_S))


def retry_after_ms(headers: Mapping[str, str]) -> int | None:
    """How long a 429 asks us to wait: the longer of the reset time and `X-Retry-After`."""
    reset_ms = _number(headers.get("X-Rate-Limit-Time-Reset-Ms"))
    retry_s = _number(headers.get("X-Retry-After"))
    if reset_ms is None and retry_s is None:
        # BigCommerce under load may answer 429 without headers: the caller backs off instead.
        return None
    return int(max(reset_ms or 0, (retry_s or 0) * 1000))


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
