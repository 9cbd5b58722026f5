"""Sign one event per Standard Webhooks and POST it to one merchant endpoint."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from standardwebhooks.webhooks import Webhook

from ..ports.clock import Clock
from ..ports.queues import WebhookSender
from ..ports.storage import DeliveryAttempt, Endpoint
from .messages import DeliverWebhook


class DeliveryFailed(Exception):
    """The endpoint did not answer 2xx; the message is retried, then dead-lettered."""


class EndpointStore(Protocol):
    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None: ...
    def put(self, endpoint: Endpoint) -> None: ...


class SecretReader(Protocol):
    def decrypt(self, store_hash: str, ciphertext: str) -> str: ...


@dataclass(frozen=True)
class DeliveryResult:
    outcome: str  # delivered | skipped | disabled
    status: int | None = None


def sign(secrets: list[str], msg_id: str, timestamp: datetime, body: str) -> dict[str, str]:
    """Standard Webhooks headers; `webhook-id` is the event id, stable across retries.

    Several secrets give several space-separated signatures (a rotation in progress); a
    consumer holding either secret verifies the delivery.
    """
    signature = " ".join(Webhook(secret).sign(msg_id, timestamp, body) for secret in secrets)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


class AttemptLog(Protocol):
    def record(self, attempt: DeliveryAttempt) -> None: ...


def deliver_webhook(
    cmd: DeliverWebhook,
    *,
    attempt: int,
    endpoints: EndpointStore,
    vault: SecretReader,
    sender: WebhookSender,
    log: AttemptLog,
    clock: Clock,
) -> DeliveryResult:
    """Deliver once and log the attempt; a non-2xx answer raises so the queue retries it,
    and a 410 disables the endpoint."""
    endpoint = endpoints.get(cmd.store_hash, cmd.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        return DeliveryResult("skipped")
    now = clock.now()
    secrets = [vault.decrypt(cmd.store_hash, c) for c in endpoint.signing_secrets(now)]
    sent = sender.post(endpoint.url, cmd.body.encode(), sign(secrets, cmd.event_id, now, cmd.body))
    if sent.status == 410:
        # Standard Webhooks: 410 Gone means the consumer asks us to stop.
        endpoints.put(replace(endpoint, enabled=False))
        outcome = "disabled"
    elif sent.status is not None and 200 <= sent.status < 300:
        outcome = "delivered"
    else:
        outcome = "failed"
    log.record(
        DeliveryAttempt(
            cmd.store_hash,
            cmd.endpoint_id,
            cmd.event_id,
            cmd.event_type,
            attempt,
            outcome,
            sent.status,
            sent.latency_ms,
            sent.excerpt,
            now,
        )
    )
    if outcome == "failed":
        raise DeliveryFailed(
            f"endpoint {endpoint.endpoint_id} answered {sent.status or sent.excerpt}"
        )
    return DeliveryResult(outcome, sent.status)
