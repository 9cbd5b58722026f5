"""Message bodies passed between functions through SQS; validated on both ends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class RenewSubscription(BaseModel):
    """Command: run the renewal workflow for one (subscription, cycle)."""

    store_hash: str = Field(min_length=1, max_length=64)
    subscription_id: str = Field(min_length=1, max_length=64)
    cycle: int = Field(ge=2)
    # The REST quota the sweep paced this store by; a worker that sees another one records it.
    paced_quota: int | None = Field(default=None, ge=1)


class DeliverWebhook(BaseModel):
    """Command: deliver one event to one merchant endpoint."""

    store_hash: str = Field(min_length=1, max_length=64)
    endpoint_id: str = Field(min_length=1, max_length=64)
    event_id: str = Field(min_length=1)
    event_type: str = Field(min_length=1)
    body: str = Field(min_length=2)
    attempt: int = Field(default=1, ge=1)
    # A retry is due at this time; SQS delays stop at 15 minutes, so the worker may still
    # receive it early and then waits out the rest on the message's visibility.
    not_before: datetime | None = None


class ProcessBcWebhook(BaseModel):
    """Command: do the work of one verified BigCommerce delivery (its inbox row exists)."""

    store_hash: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9]+$")
    delivery_hash: str = Field(min_length=1, max_length=128)
    scope: str = Field(min_length=1, max_length=128)
    data: dict[str, Any]
