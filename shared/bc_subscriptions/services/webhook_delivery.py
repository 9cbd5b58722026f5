"""Deliver one event to one merchant endpoint: sign, POST, log, and decide what comes next.

One attempt per call. A failure is never raised to the queue: the next attempt is enqueued
for the time the retry schedule gives (honouring `Retry-After`), the last one goes to the
dead-letter queue, and an endpoint that has failed for five days is disabled. Only our own
faults (storage, queue) raise, so SQS repeats the same attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

import msgspec
from standardwebhooks.webhooks import Webhook

from ..domain.sealed_fields import opened_envelope
from ..domain.webhook_retry import next_retry_delay, should_disable
from ..ports.storage import DeliveryAttempt, Endpoint

if TYPE_CHECKING:
    from ..ports.clock import Clock
    from ..ports.queues import DeliveryQueue, SendResult, WebhookSender
    from ..ports.storage import DeadLetters
    from .messages import DeliverWebhook


class EndpointHealth(Protocol):
    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None: ...
    def mark_failing(self, store_hash: str, endpoint_id: str, since: datetime) -> None: ...
    def mark_healthy(self, store_hash: str, endpoint_id: str) -> None: ...
    def disable(self, endpoint: Endpoint, reason: str, now: datetime) -> bool: ...


class SecretReader(Protocol):
    def decrypt(self, store_hash: str, ciphertext: str) -> str: ...


class AttemptLog(Protocol):
    def record(self, attempt: DeliveryAttempt) -> None: ...


class DeliveryDeps(msgspec.Struct):
    endpoints: EndpointHealth
    vault: SecretReader
    sender: WebhookSender
    log: AttemptLog
    queue: DeliveryQueue
    clock: Clock  # schedules retries and stamps the log
    wall_clock: Clock  # signs: consumers check `webhook-timestamp` against real time
    jitter: Callable[[], float]  # uniform in [0, 1)
    dead_letters: DeadLetters  # the store's record of what went to the DLQ, for its ops view
    # Our API's public base URL: action links in the events sent are built on it.
    link_base: str = ""


class DeliveryResult(msgspec.Struct, frozen=True):
    outcome: str  # delivered | retrying | failed | disabled | skipped | early
    status: int | None = None
    wait: timedelta | None = None  # early: how long until the attempt is due


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


def deliver_webhook(cmd: DeliverWebhook, deps: DeliveryDeps) -> DeliveryResult:
    now = deps.clock.now()
    if cmd.not_before is not None and cmd.not_before > now:
        return DeliveryResult("early", wait=cmd.not_before - now)
    endpoint = deps.endpoints.get(cmd.store_hash, cmd.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        # Deleted or disabled: re-enabling offers a replay of what it missed meanwhile.
        return DeliveryResult("skipped")
    secrets = [deps.vault.decrypt(cmd.store_hash, c) for c in endpoint.signing_secrets(now)]
    # Secret fields travel sealed up to here (event log, queue) and are opened only to send.
    body = opened_envelope(
        cmd.body, lambda sealed: deps.vault.decrypt(cmd.store_hash, sealed), deps.link_base
    )
    headers = sign(secrets, cmd.event_id, deps.wall_clock.now(), body)
    sent = deps.sender.post(endpoint.url, body.encode(), headers)
    next_at: datetime | None = None
    if sent.status is not None and 200 <= sent.status < 300:
        outcome = "delivered"
        if endpoint.failing_since is not None:
            deps.endpoints.mark_healthy(cmd.store_hash, cmd.endpoint_id)
    elif sent.status == 410:
        # Standard Webhooks: 410 Gone means the consumer asks us to stop.
        deps.endpoints.disable(endpoint, "gone", now)
        outcome = "disabled"
    else:
        outcome, next_at = _after_failure(cmd, endpoint, sent, now, deps)
    deps.log.record(_logged(cmd, outcome, sent, now, next_at))
    return DeliveryResult(outcome, sent.status)


def _after_failure(
    cmd: DeliverWebhook, endpoint: Endpoint, sent: SendResult, now: datetime, deps: DeliveryDeps
) -> tuple[str, datetime | None]:
    if endpoint.failing_since is None:
        deps.endpoints.mark_failing(cmd.store_hash, cmd.endpoint_id, now)
    failing_since = endpoint.failing_since or now
    if should_disable(now - failing_since):
        deps.endpoints.disable(endpoint, "failing", now)
        return "disabled", None
    retry_after = timedelta(seconds=sent.retry_after_s) if sent.retry_after_s else None
    delay = next_retry_delay(cmd.attempt, jitter=deps.jitter(), retry_after=retry_after)
    if delay is None:
        # The last attempt only: most deliveries never load what records a dead letter.
        from .dead_letters import record_webhook_failure

        deps.queue.dead_letter(cmd.to_json())
        record_webhook_failure(cmd, _last_error(sent), letters=deps.dead_letters, now=now)
        return "failed", None
    # Whole seconds, as the delivery log shows them, so the log tells the exact retry time.
    next_at = (now + delay + timedelta(seconds=1)).replace(microsecond=0)
    retry = msgspec.structs.replace(cmd, attempt=cmd.attempt + 1, not_before=next_at)
    deps.queue.send_later(retry.to_json(), next_at)
    return "retrying", next_at


def _logged(
    cmd: DeliverWebhook, outcome: str, sent: SendResult, now: datetime, next_at: datetime | None
) -> DeliveryAttempt:
    return DeliveryAttempt(
        cmd.store_hash,
        cmd.endpoint_id,
        cmd.event_id,
        cmd.event_type,
        cmd.attempt,
        outcome,
        sent.status,
        sent.latency_ms,
        sent.excerpt,
        now,
        next_at,
    )


def _last_error(sent: SendResult) -> str:
    if sent.status is None:
        return f"no answer: {sent.excerpt}"[:200]
    return f"HTTP {sent.status}: {sent.excerpt}"[:200]
