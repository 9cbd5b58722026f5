"""In-memory entitlement storage, staged on the in-memory unit of work like the DynamoDB one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...domain.entitlements import Entitlement, GroupLedger
from ...domain.record import from_json, to_json
from ..dynamodb import keys
from ..dynamodb.entitlement_keys import entitlement_sk, ledger_key, work_pk, work_sk

if TYPE_CHECKING:
    from ...ports.entitlements import EntitlementRepository, EntitlementWork, WorkItem
    from .store import MemoryStore
    from .unit_of_work import MemoryUnitOfWork


class MemoryEntitlements:
    def __init__(self, uow: MemoryUnitOfWork | Any) -> None:
        self._uow = uow

    def for_subscription(self, store_hash: str, subscription_id: str) -> list[Entitlement]:
        pk = keys.sub_pk(store_hash, subscription_id)
        docs = self._uow.query(pk, entitlement_sk(""), entitlement_sk("\uffff"))
        return [from_json(Entitlement, doc) for doc in docs]

    def add(self, ent: Entitlement) -> None:
        self._uow.stage_add(self._key(ent), to_json(ent), versioned=True)

    def save(self, ent: Entitlement) -> None:
        self._uow.stage_save(self._key(ent), to_json(ent), versioned=True)

    def ledger(self, store_hash: str, customer_id: int) -> GroupLedger | None:
        doc = self._uow.load(ledger_key(store_hash, customer_id))
        return None if doc is None else from_json(GroupLedger, doc)

    def add_ledger(self, ledger: GroupLedger) -> None:
        key = ledger_key(ledger.store_hash, ledger.customer_id)
        self._uow.stage_add(key, to_json(ledger), versioned=True)

    def save_ledger(self, ledger: GroupLedger) -> None:
        key = ledger_key(ledger.store_hash, ledger.customer_id)
        self._uow.stage_save(key, to_json(ledger), versioned=True)

    def mark(self, item: WorkItem) -> None:
        self._uow.stage_put((work_pk(item.store_hash), work_sk(item)), item)

    @staticmethod
    def _key(ent: Entitlement) -> tuple[str, str]:
        return keys.sub_pk(ent.store_hash, ent.subscription_id), entitlement_sk(ent.key)


class MemoryEntitlementWork:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def outstanding(self, store_hash: str, limit: int) -> list[WorkItem]:
        rows = self._store.query(work_pk(store_hash), "", "\uffff")
        return [row.value for _, row in rows if row.value is not None][:limit]

    def clear(self, item: WorkItem) -> None:
        self._store.delete((work_pk(item.store_hash), work_sk(item)))


def _is_a_repository(repo: MemoryEntitlements, work: MemoryEntitlementWork) -> None:
    """Never called: mypy holds the classes to the storage ports here."""
    _repo: EntitlementRepository = repo
    _work: EntitlementWork = work
