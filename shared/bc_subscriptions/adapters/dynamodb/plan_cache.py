"""The plan cache (one item per product, negatives included) and the operator's event log."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ulid import ULID

from ...domain.record import from_json, to_json
from ...ports.storage import CachedPlan, OpsEvent
from . import keys
from .errors import translated_errors
from .models import OpsEventItem, PlanItem
from .ops_items import DynamoOpsItemReads

if TYPE_CHECKING:
    from ...ports.ops_items import OpsItemPage

OPS_EVENT_RETENTION = timedelta(days=90)


class DynamoPlanCache:
    def get_many(self, store_hash: str, product_ids: list[int]) -> dict[int, CachedPlan]:
        wanted = [(keys.store_pk(store_hash), keys.plan_sk(p)) for p in sorted(set(product_ids))]
        if not wanted:
            return {}
        with translated_errors():
            items = list(PlanItem.batch_get(wanted))
        return {int(i.product_id): self._from(i) for i in items}

    def subscribable(self, store_hash: str, limit: int) -> list[int]:
        """Up to `limit` of the store's products with a valid plan cached, in key order (one
        query of the store's own plan items; a cached negative is skipped, not counted)."""
        found: list[int] = []
        with translated_errors():
            for item in PlanItem.query(
                keys.store_pk(store_hash), PlanItem.sk.startswith("PLAN#"), page_size=100
            ):
                if item.doc:
                    found.append(int(item.product_id))
                    if len(found) >= limit:
                        break
        return found

    def put(self, store_hash: str, entry: CachedPlan) -> None:
        with translated_errors():
            PlanItem(
                keys.store_pk(store_hash),
                keys.plan_sk(entry.product_id),
                store_hash=store_hash,
                product_id=entry.product_id,
                doc=to_json(entry.plan) if entry.plan else "",
                error=entry.error,
                refreshed_at=keys.timestamp(entry.refreshed_at) if entry.refreshed_at else None,
            ).save()

    @staticmethod
    def _from(item: PlanItem) -> CachedPlan:
        # Here, not at import: the renewals log their ops events through this module and
        # never read a plan, nor load its grants' records.
        from ...domain.plan import Plan

        refreshed = (
            datetime.strptime(item.refreshed_at, "%Y-%m-%dT%H:%M:%S%z")
            if item.refreshed_at
            else None
        )
        plan = from_json(Plan, item.doc) if item.doc else None
        return CachedPlan(int(item.product_id), plan, item.error, refreshed)


class DynamoOpsEvents:
    """Kept in the store's partition, newest last; never relayed to merchant endpoints.
    `page` reads them back for the operator (the admin ops items list)."""

    def page(
        self, store_hash: str, *, type_: str | None, cursor: str | None, limit: int
    ) -> OpsItemPage:
        return DynamoOpsItemReads().page(store_hash, type_=type_, cursor=cursor, limit=limit)

    def record(self, event: OpsEvent) -> None:
        with translated_errors():
            OpsEventItem(
                keys.store_pk(event.store_hash),
                f"OPS#{keys.timestamp(event.occurred_at)}#{ULID()}",
                store_hash=event.store_hash,
                type=event.type,
                data=json.dumps(event.data, default=str),
                occurred_at=keys.timestamp(event.occurred_at),
                ttl=int((event.occurred_at + OPS_EVENT_RETENTION).timestamp()),
            ).save()
