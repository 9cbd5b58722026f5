"""The plan cache and the operator's event log, in memory."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import msgspec.structs
from ulid import ULID

from ...domain.record import to_json
from ...ports.ops_items import OpsItem, OpsItemPage
from ..dynamodb import keys
from ..dynamodb.ops_item_cursor import decode, encode, item_id
from .store import MemoryStore, Write, second

if TYPE_CHECKING:
    from ...ports.storage import CachedPlan, OpsEvent


class MemoryPlanCache:
    """`store`: the records a unit of work reads. In DynamoDB the cache entry is the plan
    record `uow.plans` reads (a cadence change checks the plan there), so with a store each
    put writes that record too: the plan's JSON, empty when the product has none."""

    def __init__(self, store: MemoryStore | None = None) -> None:
        self._entries: dict[tuple[str, int], CachedPlan] = {}
        self._store = store

    def get_many(self, store_hash: str, product_ids: list[int]) -> dict[int, CachedPlan]:
        found = ((p, self._entries.get((store_hash, p))) for p in sorted(set(product_ids)))
        return {p: entry for p, entry in found if entry is not None}

    def put(self, store_hash: str, entry: CachedPlan) -> None:
        if entry.refreshed_at is not None:  # the DynamoDB item keeps it to the second
            entry = msgspec.structs.replace(entry, refreshed_at=second(entry.refreshed_at))
        self._entries[(store_hash, entry.product_id)] = entry
        if self._store is not None:
            key = (keys.store_pk(store_hash), keys.plan_sk(entry.product_id))
            doc = to_json(entry.plan) if entry.plan else ""
            self._store.apply([Write(key, doc)])


class MemoryOpsEvents:
    """`recorded`: what was recorded, as given; `page` reads it back as DynamoDB keeps it
    (sorted by the same keys, to the second, the data through JSON)."""

    def __init__(self) -> None:
        self.recorded: list[OpsEvent] = []
        self._keyed: list[tuple[str, OpsEvent]] = []

    def record(self, event: OpsEvent) -> None:
        self.recorded.append(event)
        self._keyed.append((f"OPS#{keys.timestamp(event.occurred_at)}#{ULID()}", event))

    def page(
        self, store_hash: str, *, type_: str | None, cursor: str | None, limit: int
    ) -> OpsItemPage:
        after = decode(cursor, store_hash) if cursor else None
        mine = sorted(
            (
                (sk, e)
                for sk, e in self._keyed
                if e.store_hash == store_hash
                and (type_ is None or e.type == type_)
                and (after is None or sk < after)
            ),
            key=lambda row: row[0],
            reverse=True,
        )
        shown = mine[:limit]
        more = len(mine) > limit
        next_cursor = encode(shown[-1][0], store_hash) if more else None
        return OpsItemPage([_ops_item(sk, e) for sk, e in shown], next_cursor)


def _ops_item(sk: str, event: OpsEvent) -> OpsItem:
    data = json.loads(json.dumps(event.data, default=str))
    return OpsItem(item_id(sk), event.type, second(event.occurred_at), data)
