"""The plan cache and the operator's event log, in memory."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from ...ports.storage import CachedPlan, OpsEvent
from ..dynamodb import keys
from .store import MemoryStore, Write


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
            entry = dataclasses.replace(entry, refreshed_at=_second(entry.refreshed_at))
        self._entries[(store_hash, entry.product_id)] = entry
        if self._store is not None:
            key = (keys.store_pk(store_hash), keys.plan_sk(entry.product_id))
            doc = entry.plan.model_dump_json() if entry.plan else ""
            self._store.apply([Write(key, doc)])


def _second(value: datetime) -> datetime:
    return datetime.strptime(keys.timestamp(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class MemoryOpsEvents:
    def __init__(self) -> None:
        self.recorded: list[OpsEvent] = []

    def record(self, event: OpsEvent) -> None:
        self.recorded.append(event)
