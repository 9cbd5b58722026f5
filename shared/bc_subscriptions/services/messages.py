"""Message bodies passed between functions through SQS; validated on both ends."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RenewSubscription(BaseModel):
    """Command: run the renewal workflow for one (subscription, cycle)."""

    store_hash: str = Field(min_length=1, max_length=64)
    subscription_id: str = Field(min_length=1, max_length=64)
    cycle: int = Field(ge=2)


class DeliverWebhook(BaseModel):
    """Command: deliver one event to one merchant endpoint."""

    store_hash: str = Field(min_length=1, max_length=64)
    endpoint_id: str = Field(min_length=1, max_length=64)
    event_id: str = Field(min_length=1)
    event_type: str = Field(min_length=1)
    body: str = Field(min_length=2)
