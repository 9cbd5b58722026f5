"""The `Input` our EventBridge Scheduler schedules send (see template.yaml)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec


class InvalidSweepInvocation(ValueError):
    """The event is not what our schedules send: a misconfigured target, never retried into
    success, so the sweep fails loudly instead of sweeping with a made-up time."""


def _text(event: Mapping[str, Any], name: str) -> str:
    value = event.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidSweepInvocation(f"{name}: expected a non-empty string")
    return value


class SweepInvocation(msgspec.Struct, frozen=True):
    schedule: str
    scheduled_time: datetime
    execution_id: str

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> SweepInvocation:
        try:
            scheduled_time = datetime.fromisoformat(_text(event, "scheduled_time"))
        except ValueError as exc:
            raise InvalidSweepInvocation(f"scheduled_time: {exc}") from exc
        return cls(_text(event, "schedule"), scheduled_time, _text(event, "execution_id"))
