"""In-memory unit of work: the DynamoDB one's staging, conditions and events, on a MemoryStore.

What it mirrors, case by case: reads see only committed records (never this unit of work's
own staged writes); `add` is refused when the record exists; `save` needs the record read (or
staged) in this unit of work first and is refused when someone else committed a newer version;
a commit moves the versions it wrote on, so the same unit of work can save again; events land
with the state that raised them, sealed; more than one write of one record in a commit, or more
writes than one transaction holds, is an error, not a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

import msgspec

from ...domain.charge import Charge
from ...domain.delivery import DeliveryInstance
from ...domain.plan import Plan
from ...domain.record import from_json, to_json
from ...domain.sealed_fields import has_secrets, sealed
from ...domain.subscription import Subscription, stored_json
from ...domain.tenant_config import TenantConfig, effective_config
from ...ports.company_index import company_link_sk, needs_link
from ...ports.storage import (
    ChargeRepository,
    CustomerLink,
    CustomerLinkRepository,
    CustomFieldRepository,
    DeliveryRepository,
    OrderLink,
    OrderLinkRepository,
    PlanRepository,
    RateLimits,
    StoredEvent,
    SubscriptionRepository,
    TenantConfigRepository,
    UnitOfWork,
)
from ..dynamodb import keys
from .change_requests import MemoryChangeRequests
from .custom_fields import MemoryCustomFields
from .store import MAX_TRANSACTION_ITEMS, MemoryStore, Seen, Write

if TYPE_CHECKING:
    from ...domain.events import DomainEvent
    from ...ports.change_requests import ChangeRequestRepository


class MemoryUnitOfWork:
    def __init__(
        self, store: MemoryStore, *, seal: Callable[[str, str], str] | None = None
    ) -> None:
        self.store = store
        # Seals an event's secret fields for the store; None: such an event cannot be stored.
        self.seal = seal
        self._staged: list[Write] = []
        self._seen: dict[tuple[str, str], Seen] = {}
        # Typed as the port's repositories: mypy holds each one to its protocol.
        self.subscriptions: SubscriptionRepository = _Subscriptions(self)
        self.charges: ChargeRepository = _Charges(self)
        self.order_links: OrderLinkRepository = _OrderLinks(self)
        self.plans: PlanRepository = _Plans(self)
        self.customer_links: CustomerLinkRepository = _CustomerLinks(self)
        self.tenant_configs: TenantConfigRepository = _TenantConfigs(self)
        self.deliveries: DeliveryRepository = _Deliveries(self)
        self.rate_limits: RateLimits = _RateLimits(self)
        self.change_requests: ChangeRequestRepository = MemoryChangeRequests(self)
        self.custom_fields: CustomFieldRepository = MemoryCustomFields(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()

    def commit(self) -> None:
        """Apply everything staged atomically; `ConcurrencyConflict` if any condition fails."""
        if not self._staged:
            return
        if len(self._staged) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"{len(self._staged)} writes exceed one transaction")
        staged, self._staged = self._staged, []
        self.store.apply(staged)
        for write in staged:
            if write.versioned and write.seen is not None:
                write.seen.version = (write.seen.version or 0) + 1

    def rollback(self) -> None:
        self._staged.clear()

    # -- what the repositories share -----------------------------------------------------------
    def load(self, key: tuple[str, str]) -> Any | None:
        row = self.store.read(key)
        if row is None:
            return None
        self._seen[key] = Seen(row.version)
        return row.value

    def query(self, pk: str, low: str, high: str) -> list[Any]:
        rows = self.store.query(pk, low, high)
        for sk, row in rows:
            self._seen[(pk, sk)] = Seen(row.version)
        return [row.value for _, row in rows]

    def stage_add(self, key: tuple[str, str], value: Any, *, versioned: bool = False) -> None:
        seen = Seen(None)
        self._staged.append(Write(key, value, must_not_exist=True, versioned=versioned, seen=seen))
        self._seen[key] = seen

    def stage_save(self, key: tuple[str, str], value: Any, *, versioned: bool) -> None:
        seen = self._seen.get(key)
        if seen is None:
            raise RuntimeError(f"{key[0]}/{key[1]} must be read in this unit of work before saving")
        self._staged.append(Write(key, value, versioned=versioned, seen=seen))

    def stage_put(self, key: tuple[str, str], value: Any) -> None:
        self._staged.append(Write(key, value))
        self._seen[key] = Seen(None)

    def stage_count(self, key: tuple[str, str], limit: int) -> None:
        self._staged.append(Write(key, counter_limit=limit))

    def stage_events(self, events: list[DomainEvent]) -> None:
        for event in events:
            if has_secrets(event.data):
                event = self._sealed(event)
            key = keys.event_key(
                event.store_hash,
                event.subscription_id,
                event.endpoint_id,
                event.seq,
                event.grant_id,
            )
            stored = _stored(event)
            self._staged.append(Write(key, stored, must_not_exist=True, event=stored))
            self._seen[key] = Seen(None)

    def _sealed(self, event: DomainEvent) -> DomainEvent:
        seal = self.seal
        if seal is None:
            raise RuntimeError(f"{event.type} holds a secret and this unit of work cannot seal")
        return msgspec.structs.replace(
            event, data=sealed(event.data, lambda value: seal(event.store_hash, value))
        )


def _stored(event: DomainEvent) -> StoredEvent:
    """The event as the DynamoDB outbox reads it back (timestamps to the second)."""
    return StoredEvent(
        event.store_hash,
        event.subscription_id,
        event.seq,
        event.id,
        event.type,
        json.dumps(event.envelope(), separators=(",", ":")),
        endpoint_id=event.endpoint_id,
        occurred_at=datetime.strptime(
            keys.timestamp(event.occurred_at), "%Y-%m-%dT%H:%M:%SZ"
        ).replace(tzinfo=UTC),
        grant_id=event.grant_id,
    )


class _Subscriptions:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow
        # The company each record read was filed under, to re-file only on a move.
        self._filed: dict[str, int | None] = {}

    def get(self, store_hash: str, subscription_id: str) -> Subscription | None:
        doc = self._uow.load((keys.sub_pk(store_hash, subscription_id), keys.META))
        if doc is None:
            return None
        sub = from_json(Subscription, doc)
        self._filed[sub.id] = sub.company.company_id if sub.company else None
        return sub

    def add(self, sub: Subscription) -> None:
        key = (keys.sub_pk(sub.store_hash, sub.id), keys.META)
        self._uow.stage_add(key, stored_json(sub), versioned=True)
        self._file(sub, None)
        self._uow.stage_events(sub.pull_events())

    def save(self, sub: Subscription) -> None:
        key = (keys.sub_pk(sub.store_hash, sub.id), keys.META)
        self._uow.stage_save(key, stored_json(sub), versioned=True)
        self._file(sub, self._filed.get(sub.id))
        self._uow.stage_events(sub.pull_events())

    def _file(self, sub: Subscription, filed_under: int | None) -> None:
        """The company index moves with the record, in the same commit."""
        if (company_id := needs_link(sub, filed_under)) is not None:
            sk = company_link_sk(company_id, sub.id)
            self._uow.stage_put((keys.store_pk(sub.store_hash), sk), sub.id)
            self._filed[sub.id] = company_id


class _Charges:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def get(
        self, store_hash: str, subscription_id: str, cycle: int, location_id: str | None = None
    ) -> Charge | None:
        sk = keys.charge_sk(cycle, location_id)
        doc = self._uow.load((keys.sub_pk(store_hash, subscription_id), sk))
        return None if doc is None else from_json(Charge, doc)

    def add(self, charge: Charge) -> None:
        self._uow.stage_add(self._key(charge), to_json(charge), versioned=True)

    def save(self, charge: Charge) -> None:
        self._uow.stage_save(self._key(charge), to_json(charge), versioned=True)

    @staticmethod
    def _key(charge: Charge) -> tuple[str, str]:
        pk = keys.sub_pk(charge.store_hash, charge.subscription_id)
        return pk, keys.charge_sk(charge.cycle, charge.location_id)


class _OrderLinks:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_hash: str, order_id: int) -> OrderLink | None:
        link: OrderLink | None = self._uow.load((keys.order_pk(store_hash, order_id), "LINK"))
        return link

    def add(self, link: OrderLink) -> None:
        # The order is the idempotency key: a second capture of the same order cannot commit.
        key = (keys.order_pk(link.store_hash, link.order_id), "LINK")
        self._uow.stage_add(key, msgspec.structs.replace(link, subscription_ids=_ids(link)))


def _ids(link: OrderLink) -> tuple[str, ...]:
    # DynamoDB keeps the ids comma-joined: empty ids do not survive the round trip.
    return tuple(i for i in link.subscription_ids if i)


class _CustomerLinks:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def add(self, link: CustomerLink) -> None:
        sk = _customer_prefix(link.customer_id) + link.subscription_id
        self._uow.stage_put((keys.store_pk(link.store_hash), sk), link)

    def for_customer(self, store_hash: str, customer_id: int) -> list[CustomerLink]:
        prefix = _customer_prefix(customer_id)
        rows = self._uow.store.query(keys.store_pk(store_hash), prefix, prefix + "\uffff")
        return [row.value for _, row in rows if not isinstance(row.value, _RemovedLink)]

    def remove(
        self, store_hash: str, customer_id: int, subscription_id: str, now: datetime
    ) -> None:
        # A tombstone, as the DynamoDB adapter keeps one (it may not delete items).
        sk = _customer_prefix(customer_id) + subscription_id
        self._uow.stage_put((keys.store_pk(store_hash), sk), _RemovedLink(subscription_id, now))


class _RemovedLink(msgspec.Struct, frozen=True):
    subscription_id: str
    removed_at: datetime


def _customer_prefix(customer_id: int) -> str:
    return f"CUSTOMER#{customer_id:012d}#SUB#"


class _Plans:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_hash: str, product_id: int) -> Plan | None:
        doc = self._uow.load((keys.store_pk(store_hash), keys.plan_sk(product_id)))
        return None if not doc else from_json(Plan, doc)

    def put(self, store_hash: str, plan: Plan) -> None:
        key = (keys.store_pk(store_hash), keys.plan_sk(plan.product_id))
        self._uow.stage_put(key, to_json(plan))


class _TenantConfigs:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_hash: str) -> TenantConfig:
        """The store's effective config: its preset with its overrides (standard without any)."""
        doc = self._uow.load((keys.store_pk(store_hash), keys.TENANT_CONFIG))
        return effective_config(None if doc is None else json.loads(doc))

    def put(self, store_hash: str, overrides: dict[str, Any]) -> None:
        effective_config(overrides)  # never store what would not load
        key = (keys.store_pk(store_hash), keys.TENANT_CONFIG)
        self._uow.stage_put(key, json.dumps(overrides, sort_keys=True))


class _Deliveries:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def between(
        self, store_hash: str, subscription_id: str, first: int, last: int
    ) -> list[DeliveryInstance]:
        pk = keys.sub_pk(store_hash, subscription_id)
        docs = self._uow.query(pk, keys.delivery_sk(first), keys.delivery_sk(last))
        return [from_json(DeliveryInstance, doc) for doc in docs]

    def add(self, delivery: DeliveryInstance) -> None:
        self._uow.stage_add(self._key(delivery), to_json(delivery))

    def save(self, delivery: DeliveryInstance) -> None:
        self._uow.stage_save(self._key(delivery), to_json(delivery), versioned=False)

    @staticmethod
    def _key(delivery: DeliveryInstance) -> tuple[str, str]:
        pk = keys.sub_pk(delivery.store_hash, delivery.subscription_id)
        return pk, keys.delivery_sk(delivery.cycle)


class _RateLimits:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def spend(
        self, store_hash: str, key: str, *, limit: int, window: timedelta, now: datetime
    ) -> float | None:
        """None when one more attempt fits the window (the hit lands with the commit); else
        the seconds until the next window, and nothing is staged."""
        span = int(window.total_seconds())
        start = int(now.timestamp()) // span * span
        counter_key = (keys.store_pk(store_hash), f"RATE#{key}#{start}")
        hits = self._uow.load(counter_key)
        if hits is not None and int(hits) >= limit:
            return float(start + span - now.timestamp())
        # Attempts racing for the last place: one commits, the others conflict.
        self._uow.stage_count(counter_key, limit)
        return None


def _is_a_unit_of_work(uow: MemoryUnitOfWork) -> UnitOfWork:
    """Never called: mypy holds the class to the storage port here (no cast needed)."""
    return uow
