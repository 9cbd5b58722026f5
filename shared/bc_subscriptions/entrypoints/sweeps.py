"""The `Input` our EventBridge Scheduler schedules send (see template.yaml)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class SweepInvocation(BaseModel):
    schedule: str = Field(min_length=1)
    scheduled_time: datetime
    execution_id: str = Field(min_length=1)
