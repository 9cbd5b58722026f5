"""How an instant is written in events, webhooks and API error bodies."""

from __future__ import annotations

from datetime import datetime


def iso_timestamp(value: datetime) -> str:
    """ISO 8601 with UTC written as `Z` (2026-01-31T12:00:00Z); another offset is kept as
    given, so callers pass UTC instants."""
    return value.isoformat().replace("+00:00", "Z")
