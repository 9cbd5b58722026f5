"""The storage port's records of outbound webhooks: an event as the outbox holds it, a
merchant's endpoint and one delivery attempt.

Imported through `ports.storage`, which loads each group of records only when it is named.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from ..domain.timestamps import iso_timestamp

if TYPE_CHECKING:
    from ..domain.events import DomainEvent


class StoredEvent(msgspec.Struct, frozen=True):
    """An event as the outbox holds it: the merchant-facing envelope, ready to deliver."""

    store_hash: str
    subscription_id: str | None
    seq: int
    event_id: str
    type: str
    envelope: str
    endpoint_id: str | None = None
    occurred_at: datetime | None = None
    grant_id: str | None = None  # an allotment grant's event (see `keys.event_key`)


class Endpoint(msgspec.Struct, frozen=True):
    """A merchant's webhook destination; `secret_ciphertext` holds the `whsec_` signing secret."""

    store_hash: str
    endpoint_id: str
    url: str
    secret_ciphertext: str
    event_types: frozenset[str]
    enabled: bool
    description: str = ""
    # During a rotation the previous secret keeps signing too, until it expires.
    previous_secret_ciphertext: str | None = None
    previous_secret_expires_at: datetime | None = None
    # Health: the first failed attempt since the last success; why and when it was disabled.
    failing_since: datetime | None = None
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    event_seq: int = 0

    def wants(self, event_type: str) -> bool:
        return self.enabled and ("*" in self.event_types or event_type in self.event_types)

    def signing_secrets(self, now: datetime) -> list[str]:
        """Ciphertexts of the secrets to sign with now: current first, then a live previous one."""
        live = self.previous_secret_expires_at is not None and now < self.previous_secret_expires_at
        previous = (
            [self.previous_secret_ciphertext] if live and self.previous_secret_ciphertext else []
        )
        return [self.secret_ciphertext, *previous]

    def disabled_event(self, reason: str, now: datetime) -> DomainEvent:
        """The `endpoint.disabled` event, the endpoint's next in its own sequence."""
        # Only a delivery that gives up on its endpoint builds one: the relay and the
        # deliveries that succeed never load the event records.
        from ..domain.events import ENDPOINT_DISABLED, DomainEvent

        seq = self.event_seq + 1
        return DomainEvent(
            id=f"evt_{self.endpoint_id}_{seq:06d}",
            type=ENDPOINT_DISABLED,
            store_hash=self.store_hash,
            endpoint_id=self.endpoint_id,
            seq=seq,
            occurred_at=now,
            data={
                "url": self.url,
                "reason": reason,
                "failing_since": iso_timestamp(self.failing_since) if self.failing_since else None,
            },
        )


class DeliveryAttempt(msgspec.Struct, frozen=True):
    """One POST of one event to one endpoint, as the delivery log keeps it."""

    store_hash: str
    endpoint_id: str
    event_id: str
    event_type: str
    attempt: int
    outcome: str  # delivered | retrying | failed (retries exhausted) | disabled
    status_code: int | None
    latency_ms: int
    response_excerpt: str
    attempted_at: datetime
    next_attempt_at: datetime | None = None
