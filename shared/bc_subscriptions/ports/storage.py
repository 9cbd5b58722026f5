"""Storage port: a unit of work whose commit writes state and its events atomically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, Self

from ..domain.charge import Charge
from ..domain.delivery import DeliveryInstance
from ..domain.plan import Plan
from ..domain.subscription import Subscription
from ..domain.tenant_config import TenantConfig


class ConcurrencyConflict(Exception):
    """Someone else changed the record first (version or existence condition failed)."""


class RetryableStorageError(Exception):
    """Throttled or temporarily unavailable; the whole operation may be retried."""


@dataclass(frozen=True)
class OrderLink:
    """Links a BigCommerce order to what we made of it (origin of subscriptions or a renewal)."""

    store_hash: str
    order_id: int
    role: str  # "origin" | "renewal"
    subscription_ids: tuple[str, ...]
    cycle: int | None = None


@dataclass(frozen=True)
class StoredEvent:
    """An event as the outbox holds it: the merchant-facing envelope, ready to deliver."""

    store_hash: str
    subscription_id: str
    seq: int
    event_id: str
    type: str
    envelope: str


@dataclass(frozen=True)
class DueSubscription:
    """One row of the sparse due index: enough to enqueue a renewal without reading the record."""

    store_hash: str
    subscription_id: str
    cycle: int
    due_at: datetime


@dataclass(frozen=True)
class Install:
    """An installed store; secrets stay encrypted here and are decrypted by the vault."""

    store_hash: str
    status: str
    access_token_ciphertext: str
    webhook_secret_ciphertext: str


@dataclass(frozen=True)
class Endpoint:
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

    def wants(self, event_type: str) -> bool:
        return self.enabled and ("*" in self.event_types or event_type in self.event_types)

    def signing_secrets(self, now: datetime) -> list[str]:
        """Ciphertexts of the secrets to sign with now: current first, then a live previous one."""
        live = self.previous_secret_expires_at is not None and now < self.previous_secret_expires_at
        previous = (
            [self.previous_secret_ciphertext] if live and self.previous_secret_ciphertext else []
        )
        return [self.secret_ciphertext, *previous]


@dataclass(frozen=True)
class DeliveryAttempt:
    """One POST of one event to one endpoint, as the delivery log keeps it."""

    store_hash: str
    endpoint_id: str
    event_id: str
    event_type: str
    attempt: int
    outcome: str  # delivered | failed | disabled
    status_code: int | None
    latency_ms: int
    response_excerpt: str
    attempted_at: datetime


class SubscriptionRepository(Protocol):
    def get(self, store_hash: str, subscription_id: str) -> Subscription | None: ...
    def add(self, sub: Subscription) -> None: ...
    def save(self, sub: Subscription) -> None: ...


class ChargeRepository(Protocol):
    def get(self, store_hash: str, subscription_id: str, cycle: int) -> Charge | None: ...
    def add(self, charge: Charge) -> None: ...
    def save(self, charge: Charge) -> None: ...


class OrderLinkRepository(Protocol):
    def get(self, store_hash: str, order_id: int) -> OrderLink | None: ...
    def add(self, link: OrderLink) -> None: ...


class PlanRepository(Protocol):
    def get(self, store_hash: str, product_id: int) -> Plan | None: ...
    def put(self, store_hash: str, plan: Plan) -> None: ...


class TenantConfigRepository(Protocol):
    def get(self, store_hash: str) -> TenantConfig: ...
    def put(self, store_hash: str, overrides: dict[str, Any]) -> None: ...


class DeliveryRepository(Protocol):
    def between(
        self, store_hash: str, subscription_id: str, first: int, last: int
    ) -> list[DeliveryInstance]: ...
    def add(self, delivery: DeliveryInstance) -> None: ...
    def save(self, delivery: DeliveryInstance) -> None: ...


class UnitOfWork(Protocol):
    """Reads are immediate; writes are staged and land together on `commit()`, or not at all."""

    subscriptions: SubscriptionRepository
    charges: ChargeRepository
    order_links: OrderLinkRepository
    plans: PlanRepository
    tenant_configs: TenantConfigRepository
    deliveries: DeliveryRepository

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
