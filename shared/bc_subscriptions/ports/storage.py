"""Storage port: a unit of work whose commit writes state and its events atomically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, Self

from ..domain.timestamps import iso_timestamp

if TYPE_CHECKING:
    from ..domain.charge import Charge
    from ..domain.custom_fields import CustomFieldDefinition
    from ..domain.delivery import DeliveryInstance
    from ..domain.events import DomainEvent
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
    # A multi-location renewal: which location's order of the cycle this is.
    location_id: str | None = None


@dataclass(frozen=True)
class CustomerLink:
    """A subscription filed under its customer, with the stored instrument it renews with.

    Instruments belong to the customer: a card change finds every subscription to update here.
    """

    store_hash: str
    customer_id: int
    subscription_id: str
    instrument_token: str | None


@dataclass(frozen=True)
class StoredEvent:
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


@dataclass(frozen=True)
class DueSubscription:
    """One row of the sparse due index: enough to enqueue a renewal without reading the record."""

    store_hash: str
    subscription_id: str
    cycle: int
    due_at: datetime


@dataclass(frozen=True)
class AuthorizationDue:
    """One row of the sparse AuthExpiryIndex: a charge whose authorization needs a look."""

    store_hash: str
    subscription_id: str
    cycle: int
    location_id: str | None = None  # a delivery location's own charge of the cycle


@dataclass(frozen=True)
class Install:
    """An installed store; secrets stay encrypted here and are decrypted by the vault."""

    store_hash: str
    status: str
    access_token_ciphertext: str
    webhook_secret_ciphertext: str
    changed_at: datetime | None = None  # when it was last installed or uninstalled
    # BigCommerce's numeric store id, learnt from the first authenticated delivery.
    store_id: str | None = None


@dataclass(frozen=True)
class ReconCheckpoint:
    """Where a store's order reconciliation stands: orders modified since `since` are seen.

    While a window (since, window_end] is paged through, `page` is the next page to read.
    """

    store_hash: str
    since: datetime
    window_end: datetime | None = None
    page: int = 1


@dataclass(frozen=True)
class ParkedDelivery:
    """A BigCommerce delivery whose processing failed; reconciliation retries it."""

    store_hash: str
    delivery_hash: str
    scope: str
    resource_id: str


@dataclass(frozen=True)
class CachedPlan:
    """A product's plan as last read from its metafield: none, valid, or invalid (with why)."""

    product_id: int
    plan: Plan | None
    error: str | None
    refreshed_at: datetime | None


@dataclass(frozen=True)
class OpsEvent:
    """Something the merchant's operator must look at (not a merchant webhook event)."""

    store_hash: str
    type: str
    data: dict[str, object]
    occurred_at: datetime


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


@dataclass(frozen=True)
class DeliveryAttempt:
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


class SubscriptionRepository(Protocol):
    def get(self, store_hash: str, subscription_id: str) -> Subscription | None: ...
    def add(self, sub: Subscription) -> None: ...
    def save(self, sub: Subscription) -> None: ...


class ChargeRepository(Protocol):
    def get(
        self, store_hash: str, subscription_id: str, cycle: int, location_id: str | None = None
    ) -> Charge | None: ...
    def add(self, charge: Charge) -> None: ...
    def save(self, charge: Charge) -> None: ...


class OrderLinkRepository(Protocol):
    def get(self, store_hash: str, order_id: int) -> OrderLink | None: ...
    def add(self, link: OrderLink) -> None: ...


class CustomerLinkRepository(Protocol):
    def add(self, link: CustomerLink) -> None: ...
    def for_customer(self, store_hash: str, customer_id: int) -> list[CustomerLink]: ...
    # The customer no longer acts on the subscription: `for_customer` stops listing it (an
    # `add` files it again). Staged like `add`, so it lands with the role change.
    def remove(
        self, store_hash: str, customer_id: int, subscription_id: str, now: datetime
    ) -> None: ...


class PlanRepository(Protocol):
    def get(self, store_hash: str, product_id: int) -> Plan | None: ...
    def put(self, store_hash: str, plan: Plan) -> None: ...


class PlanCache(Protocol):
    def get_many(self, store_hash: str, product_ids: list[int]) -> dict[int, CachedPlan]: ...
    def put(self, store_hash: str, entry: CachedPlan) -> None: ...


class OpsEvents(Protocol):
    def record(self, event: OpsEvent) -> None: ...


class TenantConfigRepository(Protocol):
    def get(self, store_hash: str) -> TenantConfig: ...
    def put(self, store_hash: str, overrides: dict[str, Any]) -> None: ...


class DeliveryRepository(Protocol):
    def between(
        self, store_hash: str, subscription_id: str, first: int, last: int
    ) -> list[DeliveryInstance]: ...
    def add(self, delivery: DeliveryInstance) -> None: ...
    def save(self, delivery: DeliveryInstance) -> None: ...


class CustomFieldRepository(Protocol):
    """A store's custom field definitions (store-level items, one per key)."""

    def definitions(self, store_hash: str) -> list[CustomFieldDefinition]:
        """Every definition of the store, archived ones included, in key order."""
        ...

    def get(self, store_hash: str, key: str) -> CustomFieldDefinition | None: ...
    def add(self, store_hash: str, definition: CustomFieldDefinition) -> None: ...
    def save(self, store_hash: str, definition: CustomFieldDefinition) -> None:
        """Replace one read in this unit of work; a newer version committed first conflicts."""
        ...


class UnitOfWork(Protocol):
    """Reads are immediate; writes are staged and land together on `commit()`, or not at all."""

    subscriptions: SubscriptionRepository
    charges: ChargeRepository
    order_links: OrderLinkRepository
    plans: PlanRepository
    customer_links: CustomerLinkRepository
    tenant_configs: TenantConfigRepository
    deliveries: DeliveryRepository
    rate_limits: RateLimits
    custom_fields: CustomFieldRepository

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


@dataclass(frozen=True)
class SubscriptionPage:
    """One page of a store's subscriptions; `cursor` reads the next page (None: no more)."""

    subscriptions: list[Subscription]
    cursor: str | None


@dataclass(frozen=True)
class OverdueRenewal:
    """A row of the store's due index whose due time has passed, with the subscription and
    the cycle's charge as they are now (no charge: no worker ever claimed the cycle)."""

    due: DueSubscription
    subscription: Subscription
    charge: Charge | None


@dataclass(frozen=True)
class OverduePage:
    items: list[OverdueRenewal]
    cursor: str | None


@dataclass(frozen=True)
class DeadLetter:
    """A message given up on (its queue's dead-letter queue holds it), recorded under its
    store so the merchant sees only their own: `renewal` or `webhook_delivery`."""

    store_hash: str
    dead_letter_id: str
    kind: str
    at: datetime
    attempts: int
    error: str
    subscription_id: str | None = None
    cycle: int | None = None
    endpoint_id: str | None = None
    event_id: str | None = None
    event_type: str | None = None
    redriven_at: datetime | None = None


@dataclass(frozen=True)
class DeadLetterPage:
    items: list[DeadLetter]
    cursor: str | None


class DeadLetters(Protocol):
    def record(self, letter: DeadLetter) -> None: ...
    def get(self, store_hash: str, dead_letter_id: str) -> DeadLetter | None: ...
    def page(self, store_hash: str, *, cursor: str | None, limit: int) -> DeadLetterPage: ...
    def mark_redriven(self, store_hash: str, dead_letter_id: str, at: datetime) -> bool:
        """Mark it redriven unless it already is; False when someone else marked it first."""
        ...

    def unmark_redriven(self, store_hash: str, dead_letter_id: str) -> None: ...


class SubscriptionReader(Protocol):
    def page(
        self, store_hash: str, *, customer_id: int | None, cursor: str | None, limit: int
    ) -> SubscriptionPage: ...
    def partition(
        self, store_hash: str, subscription_id: str
    ) -> dict[str, list[dict[str, Any]]]: ...
    def ops_queue(
        self, store_hash: str, queue: str, *, cursor: str | None, limit: int
    ) -> SubscriptionPage: ...
    def overdue(
        self, store_hash: str, due_before: datetime, *, cursor: str | None, limit: int
    ) -> OverduePage:
        """The store's due-index rows due at or before `due_before`, oldest first."""
        ...


class RateLimits(Protocol):
    def spend(
        self, store_hash: str, key: str, *, limit: int, window: timedelta, now: datetime
    ) -> float | None:
        """None when one more attempt fits the window, staged to land with `commit()`; else
        the seconds until the next window (nothing staged)."""
        ...
