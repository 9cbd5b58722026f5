"""The `Input` our EventBridge Scheduler schedules send (see template.yaml)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from ..observability import logger


class SweepInvocation(BaseModel):
    schedule: str = Field(min_length=1)
    scheduled_time: datetime
    execution_id: str = Field(min_length=1)


def not_implemented_sweep(feature: str) -> dict[str, Any]:
    """Result of a scheduled function whose job is not built yet (logged, never silent)."""
    logger.warning("scheduled function not implemented", feature=feature)
    return {"status": "not_implemented", "feature": feature}
