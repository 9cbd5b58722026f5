"""The company index over a MemoryStore: the links the unit of work files, then the records."""

from __future__ import annotations

from ...domain.subscription import Subscription
from ...ports.company_index import belongs, company_link_sk
from ..dynamodb import keys
from .store import MemoryStore


class MemoryCompanySubscriptions:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def of_company(self, store_hash: str, company_id: int) -> list[Subscription]:
        prefix = company_link_sk(company_id)
        rows = self._store.query(keys.store_pk(store_hash), prefix, prefix + "\uffff")
        found = []
        for subscription_id in sorted({row.value for _, row in rows}):
            record = self._store.read((keys.sub_pk(store_hash, subscription_id), keys.META))
            if record is not None:
                found.append(Subscription.model_validate_json(record.value))
        return [sub for sub in found if belongs(sub, company_id)]
