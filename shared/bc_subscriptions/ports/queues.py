"""Queue and outbound HTTP ports."""

from __future__ import annotations

from typing import Protocol


class MessageQueue(Protocol):
    def send_batch(self, bodies: list[str]) -> int:
        """Send message bodies; returns how many were accepted (the rest raise)."""
        ...


class WebhookSender(Protocol):
    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST and return the HTTP status; raises on transport failure or timeout."""
        ...
