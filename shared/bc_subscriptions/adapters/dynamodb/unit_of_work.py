"""DynamoDB unit of work: staged writes of state + events committed in one TransactWriteItems."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Any, Self

import msgspec
from pynamodb.transactions import TransactWrite

from ...domain.charge import Charge
from ...domain.delivery import DeliveryInstance
from ...domain.lifecycle import Status
from ...domain.record import from_json, to_json
from ...domain.sealed_fields import has_secrets, sealed
from ...domain.tenant_config import TenantConfig, effective_config
from ...ports.company_index import needs_link
from ...ports.storage import OrderLink
from . import keys
from .change_requests import DynamoChangeRequests
from .company_index import company_link
from .connection import shared_connection
from .customer_links import CustomerLinks
from .errors import translated_errors
from .event_items import event_item
from .models import (
    ChargeItem,
    DeliveryItem,
    EventItem,
    OrderLinkItem,
    PlanItem,
    SubscriptionItem,
    TenantConfigItem,
)
from .rate_limits import RateLimits
from .subscription_doc import subscription_doc, subscription_from_doc

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action

    from ...domain.events import DomainEvent
    from ...domain.plan import Plan
    from ...domain.subscription import Subscription
    from .custom_fields import DynamoCustomFields

# DynamoDB's TransactWriteItems limit; a change plus its events must fit in one transaction.
MAX_TRANSACTION_ITEMS = 100
# Which ops queue (OpsQueueIndex partition) a subscription in this status waits in.
OPS_QUEUES = {Status.PAST_DUE: keys.OPS_FAILED, Status.REQUIRES_ACTION: keys.OPS_ACTION}


class _Staged(msgspec.Struct):
    item: Any
    condition: Condition | None
    actions: list[Action] | None = None  # an update of these attributes instead of a put


class DynamoUnitOfWork:
    """Reads are consistent reads; writes wait for `commit()`; leaving without commit drops them."""

    def __init__(
        self, region: str, due_shards: int, seal: Callable[[str, str], str] | None = None
    ) -> None:
        self.region = region
        self.due_shards = due_shards
        # KMS sealing of an event's secret fields; None: such an event cannot be stored.
        self.seal = seal
        self._staged: list[_Staged] = []
        self._loaded: dict[tuple[str, str], Any] = {}
        self.subscriptions = _Subscriptions(self)
        self.charges = _Charges(self)
        self.order_links = _OrderLinks(self)
        self.plans = _Plans(self)
        self.customer_links = CustomerLinks(self)
        self.tenant_configs = _TenantConfigs(self)
        self.deliveries = _Deliveries(self)
        self.rate_limits = RateLimits(self)
        self.change_requests = DynamoChangeRequests(self)
        self._connection = shared_connection(self.region)

    @cached_property
    def custom_fields(self) -> DynamoCustomFields:
        # Built when first read: the renewals, the entitlement consumer and the sweeps open
        # units of work without ever reading a definition, so they never load its records.
        from .custom_fields import DynamoCustomFields

        return DynamoCustomFields(self)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.rollback()

    def commit(self) -> None:
        """Write everything staged atomically; `ConcurrencyConflict` if any condition fails."""
        if not self._staged:
            return
        if len(self._staged) > MAX_TRANSACTION_ITEMS:
            raise ValueError(f"{len(self._staged)} writes exceed one transaction")
        staged, self._staged = self._staged, []
        with translated_errors(), TransactWrite(connection=self._connection) as tx:
            for write in staged:
                if write.actions is not None:
                    tx.update(write.item, actions=write.actions, condition=write.condition)
                else:
                    tx.save(write.item, condition=write.condition)

    def rollback(self) -> None:
        self._staged.clear()

    def stage(self, item: Any, condition: Condition | None = None) -> None:
        self._staged.append(_Staged(item, condition))
        # A staged item is this unit of work's current copy: later saves build on its version.
        self._loaded[(item.pk, item.sk)] = item

    def stage_update(self, item: Any, actions: list[Action], condition: Condition) -> None:
        """An update of an item's attributes (a counter), committed with the rest."""
        self._staged.append(_Staged(item, condition, actions))

    def load(self, model: Any, pk: str, sk: str) -> Any | None:
        with translated_errors():
            try:
                item = model.get(pk, sk, consistent_read=True)
            except model.DoesNotExist:
                return None
        self._loaded[(pk, sk)] = item
        return item

    def loaded(self, pk: str, sk: str) -> Any:
        try:
            return self._loaded[(pk, sk)]
        except KeyError:
            raise RuntimeError(
                f"{pk}/{sk} must be read in this unit of work before saving"
            ) from None

    def stage_events(self, events: list[DomainEvent]) -> None:
        for event in events:
            if has_secrets(event.data):
                event = self._sealed(event)
            self.stage(event_item(event, self.due_shards), EventItem.pk.does_not_exist())

    def _sealed(self, event: DomainEvent) -> DomainEvent:
        seal = self.seal
        if seal is None:
            raise RuntimeError(f"{event.type} holds a secret and this unit of work cannot seal")
        return msgspec.structs.replace(
            event, data=sealed(event.data, lambda value: seal(event.store_hash, value))
        )


class _Subscriptions:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_hash: str, subscription_id: str) -> Subscription | None:
        item = self._uow.load(SubscriptionItem, keys.sub_pk(store_hash, subscription_id), keys.META)
        return None if item is None else subscription_from_doc(item.doc)

    def add(self, sub: Subscription) -> None:
        item = SubscriptionItem(keys.sub_pk(sub.store_hash, sub.id), keys.META)
        self._file(sub, None)
        self._uow.stage(self._fill(item, sub), SubscriptionItem.pk.does_not_exist())
        self._uow.stage_events(sub.pull_events())

    def save(self, sub: Subscription) -> None:
        item = self._uow.loaded(keys.sub_pk(sub.store_hash, sub.id), keys.META)
        self._file(sub, None if item.company_id is None else int(item.company_id))
        self._uow.stage(self._fill(item, sub))  # the version attribute adds the lock condition
        self._uow.stage_events(sub.pull_events())

    def _file(self, sub: Subscription, filed_under: int | None) -> None:
        """The company index moves with the record, in the same transaction."""
        if (company_id := needs_link(sub, filed_under)) is not None:
            self._uow.stage(company_link(sub.store_hash, company_id, sub.id))

    def _fill(self, item: SubscriptionItem, sub: Subscription) -> SubscriptionItem:
        item.store_hash, item.subscription_id = sub.store_hash, sub.id
        item.status, item.customer_id, item.next_cycle = (
            sub.status.value,
            sub.customer_id,
            sub.next_cycle,
        )
        item.doc = subscription_doc(sub)
        item.company_id = sub.company.company_id if sub.company else None
        item.due_pk = item.due_sk = None
        # In the sparse DueIndex only while a sweep has something to do (renew, retry, give up).
        if (due_at := sub.due_at()) is not None:
            item.due_pk, item.due_sk = keys.due_keys(
                sub.store_hash, sub.id, due_at, self._uow.due_shards
            )
        item.ops_pk = item.ops_sk = None
        if (queue := OPS_QUEUES.get(sub.status)) is not None:
            since = sub.dunning.first_failed_at if sub.dunning else sub.updated_at
            item.ops_pk, item.ops_sk = keys.ops_keys(sub.store_hash, queue, since, sub.id)
        return item


class _Charges:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow

    def get(
        self, store_hash: str, subscription_id: str, cycle: int, location_id: str | None = None
    ) -> Charge | None:
        pk = keys.sub_pk(store_hash, subscription_id)
        item = self._uow.load(ChargeItem, pk, keys.charge_sk(cycle, location_id))
        return None if item is None else from_json(Charge, item.doc)

    def add(self, charge: Charge) -> None:
        item = ChargeItem(
            keys.sub_pk(charge.store_hash, charge.subscription_id),
            keys.charge_sk(charge.cycle, charge.location_id),
        )
        self._uow.stage(self._fill(item, charge), ChargeItem.pk.does_not_exist())

    def save(self, charge: Charge) -> None:
        pk = keys.sub_pk(charge.store_hash, charge.subscription_id)
        sk = keys.charge_sk(charge.cycle, charge.location_id)
        self._uow.stage(self._fill(self._uow.loaded(pk, sk), charge))

    @staticmethod
    def _fill(item: ChargeItem, charge: Charge) -> ChargeItem:
        item.store_hash, item.subscription_id, item.cycle = (
            charge.store_hash,
            charge.subscription_id,
            charge.cycle,
        )
        item.stage, item.bc_order_id, item.doc = (
            charge.stage.value,
            charge.bc_order_id,
            to_json(charge),
        )
        check_at = charge.authorization.check_at if charge.authorization else None
        item.auth_pk, item.auth_sk = (
            keys.auth_keys(
                charge.store_hash,
                charge.subscription_id,
                charge.cycle,
                check_at,
                charge.location_id,
            )
            if check_at is not None
            else (None, None)
        )
        return item


class _OrderLinks:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_hash: str, order_id: int) -> OrderLink | None:
        item = self._uow.load(OrderLinkItem, keys.order_pk(store_hash, order_id), "LINK")
        if item is None:
            return None
        ids = tuple(i for i in item.subscription_ids.split(",") if i)
        return OrderLink(
            store_hash,
            order_id,
            item.role,
            ids,
            None if item.cycle is None else int(item.cycle),
            item.location_id,
        )

    def add(self, link: OrderLink) -> None:
        item = OrderLinkItem(
            keys.order_pk(link.store_hash, link.order_id),
            "LINK",
            store_hash=link.store_hash,
            order_id=link.order_id,
            role=link.role,
            subscription_ids=",".join(link.subscription_ids),
            cycle=link.cycle,
            location_id=link.location_id,
        )
        # The order is the idempotency key: a second capture of the same order cannot commit.
        self._uow.stage(item, OrderLinkItem.pk.does_not_exist())


class _Plans:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_hash: str, product_id: int) -> Plan | None:
        # A plan's grants are its records' too: only what reads a plan loads them, never a
        # renewal or a sweep (their subscriptions hold the terms they were bought on).
        from ...domain.plan import Plan

        item = self._uow.load(PlanItem, keys.store_pk(store_hash), keys.plan_sk(product_id))
        return None if item is None or not item.doc else from_json(Plan, item.doc)

    def put(self, store_hash: str, plan: Plan) -> None:
        item = PlanItem(
            keys.store_pk(store_hash),
            keys.plan_sk(plan.product_id),
            store_hash=store_hash,
            product_id=plan.product_id,
            doc=to_json(plan),
        )
        self._uow.stage(item)


class _TenantConfigs:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow
        # Read once per unit of work: a renewal consults the config at several stages, and
        # one renewal runs under one config.
        self._read: dict[str, TenantConfig] = {}
        self._written: set[str] = set()  # put in this unit of work: always read from the table

    def get(self, store_hash: str) -> TenantConfig:
        """The store's effective config: its preset with its overrides (standard without any)."""
        if (known := self._read.get(store_hash)) is not None:
            return known
        item = self._uow.load(TenantConfigItem, keys.store_pk(store_hash), keys.TENANT_CONFIG)
        config = effective_config(None if item is None else json.loads(item.overrides))
        if store_hash not in self._written:
            self._read[store_hash] = config
        return config

    def put(self, store_hash: str, overrides: dict[str, Any]) -> None:
        effective_config(overrides)  # never store what would not load
        # Reads see what is committed, not what is staged (and after the commit, the new one).
        self._read.pop(store_hash, None)
        self._written.add(store_hash)
        item = TenantConfigItem(
            keys.store_pk(store_hash),
            keys.TENANT_CONFIG,
            store_hash=store_hash,
            overrides=json.dumps(overrides, sort_keys=True),
        )
        self._uow.stage(item)


class _Deliveries:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow

    def between(
        self, store_hash: str, subscription_id: str, first: int, last: int
    ) -> list[DeliveryInstance]:
        """Delivery instances of cycles `first`..`last` (one query on the subscription)."""
        pk = keys.sub_pk(store_hash, subscription_id)
        condition = DeliveryItem.sk.between(keys.delivery_sk(first), keys.delivery_sk(last))
        with translated_errors():
            items = list(DeliveryItem.query(pk, condition, consistent_read=True))
        for item in items:
            self._uow._loaded[(item.pk, item.sk)] = item
        return [from_json(DeliveryInstance, i.doc) for i in items]

    def add(self, delivery: DeliveryInstance) -> None:
        item = DeliveryItem(self._pk(delivery), keys.delivery_sk(delivery.cycle))
        self._uow.stage(self._fill(item, delivery), DeliveryItem.pk.does_not_exist())

    def save(self, delivery: DeliveryInstance) -> None:
        item = self._uow.loaded(self._pk(delivery), keys.delivery_sk(delivery.cycle))
        self._uow.stage(self._fill(item, delivery))

    @staticmethod
    def _pk(delivery: DeliveryInstance) -> str:
        return keys.sub_pk(delivery.store_hash, delivery.subscription_id)

    @staticmethod
    def _fill(item: DeliveryItem, delivery: DeliveryInstance) -> DeliveryItem:
        item.store_hash, item.subscription_id = delivery.store_hash, delivery.subscription_id
        item.cycle, item.status = delivery.cycle, delivery.status.value
        item.doc = to_json(delivery)
        return item
