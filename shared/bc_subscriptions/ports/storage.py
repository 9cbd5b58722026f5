"""Storage port: a unit of work whose commit writes state and its events atomically.

The records the repositories take and return live in one module per group (`store_records`,
`webhook_records`, `subscription_records`, `dead_letter_records`) and are imported from here
by name; a group is loaded when one of its records is first named, so a function's cold start
defines only the records it uses (a relay never defines the dead letters or the order links).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol, Self

if TYPE_CHECKING:
    from ..domain.charge import Charge
    from ..domain.custom_fields import CustomFieldDefinition
    from ..domain.delivery import DeliveryInstance
    from ..domain.plan import Plan
    from ..domain.subscription import Subscription
    from ..domain.tenant_config import TenantConfig
    from .dead_letter_records import DeadLetter as DeadLetter
    from .dead_letter_records import DeadLetterPage as DeadLetterPage
    from .store_records import AuthorizationDue as AuthorizationDue
    from .store_records import DueSubscription as DueSubscription
    from .store_records import Install as Install
    from .store_records import ParkedDelivery as ParkedDelivery
    from .store_records import ReconCheckpoint as ReconCheckpoint
    from .subscription_records import CachedPlan as CachedPlan
    from .subscription_records import CustomerLink as CustomerLink
    from .subscription_records import OpsEvent as OpsEvent
    from .subscription_records import OrderLink as OrderLink
    from .subscription_records import OverduePage as OverduePage
    from .subscription_records import OverdueRenewal as OverdueRenewal
    from .subscription_records import SubscriptionPage as SubscriptionPage
    from .webhook_records import DeliveryAttempt as DeliveryAttempt
    from .webhook_records import Endpoint as Endpoint
    from .webhook_records import StoredEvent as StoredEvent

# Each record's module, by the record's name.
_RECORDS = {
    **dict.fromkeys(("DeadLetter", "DeadLetterPage"), "dead_letter_records"),
    **dict.fromkeys(
        ("AuthorizationDue", "DueSubscription", "Install", "ParkedDelivery", "ReconCheckpoint"),
        "store_records",
    ),
    **dict.fromkeys(
        (
            "CachedPlan",
            "CustomerLink",
            "OpsEvent",
            "OrderLink",
            "OverduePage",
            "OverdueRenewal",
            "SubscriptionPage",
        ),
        "subscription_records",
    ),
    **dict.fromkeys(("DeliveryAttempt", "Endpoint", "StoredEvent"), "webhook_records"),
}

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """A record named for the first time: its group's module is imported (once)."""
        module = _RECORDS.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        record = getattr(import_module(f"{__package__}.{module}"), name)
        globals()[name] = record
        return record

    def __dir__() -> list[str]:
        return sorted({*globals(), *_RECORDS})


class ConcurrencyConflict(Exception):
    """Someone else changed the record first (version or existence condition failed)."""


class RetryableStorageError(Exception):
    """Throttled or temporarily unavailable; the whole operation may be retried."""


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
