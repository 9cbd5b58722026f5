"""Per-store pacing from BigCommerce's rate-limit headers (the quota is shared with other apps)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping

MAX_WAIT_S = 30.0


class RateLimits:
    """Remembers each store's last `Requests-Left` and waits out the window before hitting 0."""

    def __init__(self, sleep: Callable[[float], None], clock: Callable[[], float] = time.monotonic):
        self._sleep, self._clock = sleep, clock
        self._resume_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def observe(self, store_hash: str, headers: Mapping[str, str]) -> None:
        left, reset_ms = (
            headers.get("X-Rate-Limit-Requests-Left"),
            headers.get("X-Rate-Limit-Time-Reset-Ms"),
        )
        if left is None or reset_ms is None:
            return
        with self._lock:
            if int(left) <= 1:
                self._resume_at[store_hash] = self._clock() + int(reset_ms) / 1000
            else:
                self._resume_at.pop(store_hash, None)

    def wait_if_exhausted(self, store_hash: str) -> None:
        with self._lock:
            resume_at = self._resume_at.pop(store_hash, None)
        if resume_at is not None and (wait := resume_at - self._clock()) > 0:
            self._sleep(min(wait, MAX_WAIT_S))

    @staticmethod
    def retry_after_s(headers: Mapping[str, str], attempt: int) -> float:
        """Honour the longer of `X-Rate-Limit-Time-Reset-Ms` and `X-Retry-After`; else back off."""
        reset_ms = float(headers.get("X-Rate-Limit-Time-Reset-Ms") or 0)
        retry_s = float(headers.get("X-Retry-After") or 0)
        wait = max(reset_ms / 1000, retry_s)
        if wait <= 0:
            wait = min(MAX_WAIT_S, 0.5 * 2**attempt) * (0.5 + random.random() / 2)  # noqa: S311
        return min(wait, MAX_WAIT_S)
