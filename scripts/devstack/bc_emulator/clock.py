"""The emulator's "now": the business clock of the stack it serves, so BigCommerce's dates
(orders, transactions, card expiry, webhooks) move when the stack's clock is advanced.

Signatures, JWTs and payment access tokens stay on real time: their checks run on real time
on both sides, whatever the business clock says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def _real_time() -> datetime:
    return datetime.now(UTC)


_clock: Callable[[], datetime] = _real_time


def now() -> datetime:
    return _clock()


def use(clock: Callable[[], datetime] | None) -> None:
    """Follow `clock` (None: real time). One emulator serves a process at a time."""
    global _clock
    _clock = clock or _real_time
