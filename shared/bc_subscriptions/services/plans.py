"""Plans come from product metafields; the table caches them (and their absence) for a while."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ..domain.plan import Plan
from ..domain.plan_metafield import KEY, NAMESPACE, InvalidPlan, parse_plan
from ..observability import logger
from ..ports.bigcommerce import BigCommerce, NotFound
from ..ports.storage import CachedPlan, OpsEvent, OpsEvents, PlanCache

PLAN_TTL = timedelta(minutes=15)
PLAN_INVALID = "plan.invalid"


class PlanCatalog:
    """Which products are subscribable, read through the cache; a bad plan is skipped, loudly."""

    def __init__(
        self, *, cache: PlanCache, bc: BigCommerce, ops: OpsEvents, ttl: timedelta = PLAN_TTL
    ) -> None:
        self._cache, self._bc, self._ops, self._ttl = cache, bc, ops, ttl

    def plans_for(
        self, store_hash: str, product_ids: Iterable[int], now: datetime
    ) -> dict[int, Plan]:
        wanted = sorted(set(product_ids))
        cached = self._cache.get_many(store_hash, wanted)
        plans: dict[int, Plan] = {}
        for product_id in wanted:
            entry = cached.get(product_id)
            if entry is None or entry.refreshed_at is None or now - entry.refreshed_at >= self._ttl:
                entry = self.refresh(store_hash, product_id, now)
            if entry.plan is not None:
                plans[product_id] = entry.plan
        return plans

    def refresh(self, store_hash: str, product_id: int, now: datetime) -> CachedPlan:
        """Read the product's metafield again and cache what it says (an ops event if invalid)."""
        try:
            fields = self._bc.get_product_metafields(store_hash, product_id, NAMESPACE, KEY)
        except NotFound:
            fields = []  # a deleted product sells nothing new
        plan, error = None, None
        if fields:
            try:
                plan = parse_plan(product_id, fields[0].value)
            except InvalidPlan as invalid:
                error = str(invalid)
        entry = CachedPlan(product_id, plan, error, now)
        self._cache.put(store_hash, entry)
        if error is not None:
            logger.warning("invalid plan skipped", product_id=product_id, error=error)
            data: dict[str, object] = {"product_id": product_id, "error": error}
            self._ops.record(OpsEvent(store_hash, PLAN_INVALID, data, now))
        return entry
