"""The plan cache and the operator's event log, in memory."""

from __future__ import annotations

from ...ports.storage import CachedPlan, OpsEvent


class MemoryPlanCache:
    def __init__(self) -> None:
        self._entries: dict[tuple[str, int], CachedPlan] = {}

    def get_many(self, store_hash: str, product_ids: list[int]) -> dict[int, CachedPlan]:
        found = ((p, self._entries.get((store_hash, p))) for p in sorted(set(product_ids)))
        return {p: entry for p, entry in found if entry is not None}

    def put(self, store_hash: str, entry: CachedPlan) -> None:
        self._entries[(store_hash, entry.product_id)] = entry


class MemoryOpsEvents:
    def __init__(self) -> None:
        self.recorded: list[OpsEvent] = []

    def record(self, event: OpsEvent) -> None:
        self.recorded.append(event)
