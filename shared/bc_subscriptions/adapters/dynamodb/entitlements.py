"""Entitlement items in DynamoDB, staged on the unit of work like every other write."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import UpdateError

from ...domain.entitlements import Entitlement, GroupLedger
from ...domain.record import from_json, to_json
from ...ports.entitlements import EntitlementRepository, EntitlementWork, WorkItem
from . import keys
from .entitlement_keys import entitlement_sk, ledger_key, work_pk, work_sk
from .errors import translated_errors
from .models import _Item

# How long cleared work items stay (hidden) before DynamoDB's TTL removes them.
CLEARED_RETENTION = timedelta(days=1)


class EntitlementItem(_Item):
    KIND = "entitlement"
    store_hash = UnicodeAttribute()
    subscription_id = UnicodeAttribute()
    status = UnicodeAttribute()
    doc = UnicodeAttribute()
    version = VersionAttribute()


class GroupLedgerItem(_Item):
    KIND = "group_ledger"
    store_hash = UnicodeAttribute()
    customer_id = NumberAttribute()
    doc = UnicodeAttribute()
    version = VersionAttribute()


class EntitlementWorkItem(_Item):
    KIND = "entitlement_work"
    store_hash = UnicodeAttribute()
    customer_id = NumberAttribute(null=True)
    subscription_id = UnicodeAttribute(null=True)
    due_at = NumberAttribute(null=True)  # epoch seconds
    # Cleared work stays until its TTL (history is never deleted by a function): `done`
    # keeps it out of the list meanwhile.
    done = BooleanAttribute(null=True)
    ttl = NumberAttribute(null=True)


class DynamoEntitlements:
    def __init__(self, uow: Any) -> None:
        self._uow = uow  # a DynamoUnitOfWork (or a wrapper of one)

    def for_subscription(self, store_hash: str, subscription_id: str) -> list[Entitlement]:
        pk = keys.sub_pk(store_hash, subscription_id)
        with translated_errors():
            rows = list(
                EntitlementItem.query(
                    pk, EntitlementItem.sk.startswith(entitlement_sk("")), consistent_read=True
                )
            )
        for row in rows:
            self._uow._loaded[(row.pk, row.sk)] = row  # a later save builds on its version
        return [from_json(Entitlement, row.doc) for row in rows]

    def add(self, ent: Entitlement) -> None:
        item = EntitlementItem(
            keys.sub_pk(ent.store_hash, ent.subscription_id), entitlement_sk(ent.key)
        )
        self._uow.stage(self._fill(item, ent), EntitlementItem.pk.does_not_exist())

    def save(self, ent: Entitlement) -> None:
        item = self._uow.loaded(
            keys.sub_pk(ent.store_hash, ent.subscription_id), entitlement_sk(ent.key)
        )
        self._uow.stage(self._fill(item, ent))  # the version attribute adds the lock condition

    def ledger(self, store_hash: str, customer_id: int) -> GroupLedger | None:
        item = self._uow.load(GroupLedgerItem, *ledger_key(store_hash, customer_id))
        return None if item is None else from_json(GroupLedger, item.doc)

    def add_ledger(self, ledger: GroupLedger) -> None:
        item = GroupLedgerItem(*ledger_key(ledger.store_hash, ledger.customer_id))
        item.store_hash, item.customer_id = ledger.store_hash, ledger.customer_id
        item.doc = to_json(ledger)
        self._uow.stage(item, GroupLedgerItem.pk.does_not_exist())

    def save_ledger(self, ledger: GroupLedger) -> None:
        item = self._uow.loaded(*ledger_key(ledger.store_hash, ledger.customer_id))
        item.doc = to_json(ledger)
        self._uow.stage(item)

    def mark(self, item: WorkItem) -> None:
        self._uow.stage(_work_item(item))

    @staticmethod
    def _fill(item: EntitlementItem, ent: Entitlement) -> EntitlementItem:
        item.store_hash, item.subscription_id = ent.store_hash, ent.subscription_id
        item.status, item.doc = ent.status.value, to_json(ent)
        return item


class DynamoEntitlementWork:
    def outstanding(self, store_hash: str, limit: int) -> list[WorkItem]:
        with translated_errors():
            rows = EntitlementWorkItem.query(
                work_pk(store_hash),
                filter_condition=EntitlementWorkItem.done.does_not_exist(),
                consistent_read=True,
            )
            return [_from_item(row) for row in itertools.islice(rows, limit)]

    def clear(self, item: WorkItem) -> None:
        """Mark it done (a put of the same item later makes it outstanding again)."""
        expires = int((datetime.now(UTC) + CLEARED_RETENTION).timestamp())
        row = EntitlementWorkItem(work_pk(item.store_hash), work_sk(item))
        with translated_errors():
            try:
                row.update(
                    actions=[
                        EntitlementWorkItem.done.set(True),
                        EntitlementWorkItem.ttl.set(expires),
                    ],
                    condition=EntitlementWorkItem.pk.exists(),
                )
            except UpdateError as exc:
                if not _condition_failed(exc):
                    raise


def _condition_failed(exc: UpdateError) -> bool:
    # Already gone (expired): nothing to clear.
    return exc.cause_response_code == "ConditionalCheckFailedException"


def _work_item(item: WorkItem) -> EntitlementWorkItem:
    due = None if item.due_at is None else int(item.due_at.timestamp())
    return EntitlementWorkItem(
        work_pk(item.store_hash),
        work_sk(item),
        store_hash=item.store_hash,
        customer_id=item.customer_id,
        subscription_id=item.subscription_id,
        due_at=due,
    )


def _from_item(row: EntitlementWorkItem) -> WorkItem:
    due = None if row.due_at is None else datetime.fromtimestamp(int(row.due_at), UTC)
    customer = None if row.customer_id is None else int(row.customer_id)
    return WorkItem(row.store_hash, customer, row.subscription_id, due)


def _is_a_repository(repo: DynamoEntitlements, work: DynamoEntitlementWork) -> None:
    """Never called: mypy holds the classes to the storage ports here."""
    _repo: EntitlementRepository = repo
    _work: EntitlementWork = work
