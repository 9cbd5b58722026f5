"""Clocks: the system clock, and a shiftable one for the local stack's "advance time"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)


class FixedClock(msgspec.Struct):
    """A clock tests move by hand."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class ShiftedClock(msgspec.Struct):
    """System time plus an offset in seconds read from a file, so every local process agrees."""

    offset_file: Path

    def now(self) -> datetime:
        try:
            offset = float(self.offset_file.read_text() or 0)
        except FileNotFoundError:
            offset = 0.0
        return SystemClock().now() + timedelta(seconds=offset)
