"""The company index over a MemoryStore: the links the unit of work files, then the records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain.record import from_json
from ...domain.subscription import Subscription
from ...ports.company_index import belongs, company_link_sk
from ...ports.storage import SubscriptionPage
from ..dynamodb import keys
from ..dynamodb.subscription_reads import _decode, _encode

if TYPE_CHECKING:
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
                found.append(from_json(Subscription, record.value))
        return [sub for sub in found if belongs(sub, company_id)]

    def page_of_company(
        self, store_hash: str, company_id: int, *, cursor: str | None, limit: int
    ) -> SubscriptionPage:
        """`limit` index items from the cursor on, paged and cursored as DynamoDB pages them."""
        prefix = company_link_sk(company_id)
        after = _decode(cursor, store_hash, prefix)["sk"]["S"] if cursor else None
        rows = self._store.query(keys.store_pk(store_hash), prefix, prefix + "\uffff")
        links = [(sk, row.value) for sk, row in rows if after is None or sk > after][:limit]
        subs = []
        for _, subscription_id in links:
            record = self._store.read((keys.sub_pk(store_hash, subscription_id), keys.META))
            sub = None if record is None else from_json(Subscription, record.value)
            if belongs(sub, company_id):
                assert sub is not None
                subs.append(sub)
        # A full page hands out a cursor, as a DynamoDB query that reached its limit does.
        last = {"sk": {"S": links[-1][0]}} if len(links) == limit else None
        return SubscriptionPage(subs, _encode(last, store_hash, prefix) if last else None)
