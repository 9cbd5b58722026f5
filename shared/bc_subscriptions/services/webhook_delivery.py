"""Sign one event per Standard Webhooks and POST it to one merchant endpoint."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from standardwebhooks.webhooks import Webhook

from ..ports.clock import Clock
from ..ports.queues import WebhookSender
from ..ports.storage import Endpoint
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


def deliver_webhook(
    cmd: DeliverWebhook,
    *,
    endpoints: EndpointStore,
    vault: SecretReader,
    sender: WebhookSender,
    clock: Clock,
) -> DeliveryResult:
    """Deliver once; a non-2xx answer raises so the queue retries, a 410 disables the endpoint."""
    endpoint = endpoints.get(cmd.store_hash, cmd.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        return DeliveryResult("skipped")
    now = clock.now()
    secrets = [vault.decrypt(cmd.store_hash, c) for c in endpoint.signing_secrets(now)]
    headers = sign(secrets, cmd.event_id, now, cmd.body)
    status = sender.post(endpoint.url, cmd.body.encode(), headers)
    if status == 410:
        # Standard Webhooks: 410 Gone means the consumer asks us to stop.
        endpoints.put(_disabled(endpoint))
        return DeliveryResult("disabled", status)
    if not 200 <= status < 300:
        raise DeliveryFailed(f"endpoint {endpoint.endpoint_id} answered {status}")
    return DeliveryResult("delivered", status)


def _disabled(endpoint: Endpoint) -> Endpoint:
    return replace(endpoint, enabled=False)
