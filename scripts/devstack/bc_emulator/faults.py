"""Fault injection: make the next matching calls fail before or after BigCommerce applies them,
or (`randomly`) any call with a given probability, drawn from a seeded generator."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatch

KINDS = frozenset({"5xx_before", "5xx_after", "timeout_before", "timeout_after", "429"})


@dataclass
class _Fault:
    method: str
    path_glob: str
    kind: str
    remaining: int


class FaultPlan:
    """Pending faults, consumed in the order they were injected."""

    def __init__(self, lock: threading.RLock | None = None) -> None:
        self._faults: list[_Fault] = []
        self._lock = lock or threading.RLock()
        self._rate = 0.0
        self._kinds: tuple[str, ...] = ()
        self._rng = random.Random(0)
        self.drawn: Counter[str] = Counter()  # random faults injected so far, by kind

    def randomly(self, rate: float, seed: int, kinds: Iterable[str] = sorted(KINDS)) -> None:
        """From now on every request without an injected fault fails with probability `rate`,
        with a kind drawn evenly from `kinds`; the same seed and calls draw the same faults.
        A rate of 0 stops it."""
        chosen = tuple(kinds)
        if not 0 <= rate <= 1 or (rate and not chosen) or set(chosen) - KINDS:
            raise ValueError(f"rate in [0, 1] and kinds from {sorted(KINDS)}")
        with self._lock:
            self._rate, self._kinds, self._rng = rate, chosen, random.Random(seed)

    def inject(self, method: str, path_glob: str, kind: str, times: int = 1) -> None:
        """The next `times` requests matching method and path (fnmatch) fail with `kind`."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {sorted(KINDS)}")
        with self._lock:
            self._faults.append(_Fault(method.upper(), path_glob, kind, times))

    def take(self, method: str, path: str) -> str | None:
        """The fault for this request, if one is pending (and count it as used)."""
        with self._lock:
            for fault in self._faults:
                if fault.method == method.upper() and fnmatch(path, fault.path_glob):
                    fault.remaining -= 1
                    if not fault.remaining:
                        self._faults.remove(fault)
                    return fault.kind
            if self._rate and self._rng.random() < self._rate:
                kind = self._rng.choice(self._kinds)
                self.drawn[kind] += 1
                return kind
        return None

    def pending(self) -> int:
        """How many injected failures have not happened yet."""
        with self._lock:
            return sum(f.remaining for f in self._faults)

    def clear(self) -> None:
        """Drop every pending fault and stop drawing random ones."""
        with self._lock:
            self._faults.clear()
            self._rate = 0.0
