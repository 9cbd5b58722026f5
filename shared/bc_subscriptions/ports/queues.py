"""Queue and outbound HTTP ports."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

import msgspec


class MessageQueue(Protocol):
    def send_batch(self, bodies: list[str]) -> int:
        """Send message bodies; returns how many were accepted (the rest raise)."""
        ...


class SendResult(msgspec.Struct, frozen=True):
    """What one POST to a merchant endpoint came to; `status` is None when no answer came."""

    status: int | None
    latency_ms: int
    excerpt: str = ""  # the start of the answer (or the transport error), for the delivery log
    retry_after_s: int | None = None


class DeliveryQueue(Protocol):
    def send_later(self, body: str, not_before: datetime) -> None:
        """Enqueue `body` to be handled at `not_before` (a retry)."""
        ...

    def dead_letter(self, body: str) -> None:
        """Park a delivery that exhausted its retries where operators look."""
        ...


class WebhookSender(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> SendResult: ...
