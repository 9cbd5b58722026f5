"""Plans come from product metafields; the table caches them (and their absence) for a while."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ..domain.plan import Plan
from ..domain.plan_metafield import KEY, NAMESPACE, InvalidPlan, parse_plan
from ..observability import logger
from ..ports.bigcommerce import BigCommerce, NotFound
from ..ports.storage import CachedPlan, OpsEvent, OpsEvents, PlanCache

# The product modifier the shopper picks a cadence with (its values are the cadence labels).
CADENCE_MODIFIER = "Subscription"
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

    def refresh(
        self, store_hash: str, product_id: int, now: datetime, *, reading: bool = False
    ) -> CachedPlan:
        """Read the product's metafield again and cache what it says (an ops event if invalid,
        unless the merchant is only `reading` it: they see the error in the answer)."""
        try:
            fields = self._bc.get_product_metafields(store_hash, product_id, NAMESPACE, KEY)
        except NotFound as exc:
            if reading:
                raise ProductNotFound(product_id) from exc
            fields = []  # a deleted product sells nothing new
        plan, error = None, None
        if fields:
            try:
                plan = parse_plan(product_id, fields[0].value)
            except InvalidPlan as invalid:
                error = str(invalid)
        entry = CachedPlan(product_id, plan, error, now)
        self._cache.put(store_hash, entry)
        if error is not None and not reading:
            logger.warning("invalid plan skipped", product_id=product_id, error=error)
            data: dict[str, object] = {"product_id": product_id, "error": error}
            self._ops.record(OpsEvent(store_hash, PLAN_INVALID, data, now))
        return entry


class ProductNotFound(Exception):
    """No such product in this store's catalog."""


def publish_plan(
    store_hash: str,
    product_id: int,
    document: str,
    *,
    bc: BigCommerce,
    catalog: PlanCatalog,
    now: datetime,
) -> Plan:
    """The merchant sets a product's plan. BigCommerce stays the truth: the cadence modifier
    (a required dropdown of the cadence labels) is created or updated first, so the plan
    written to the `bc_subscriptions.plan` metafield names its id; then our cache is refreshed
    from the metafield. An invalid document raises InvalidPlan before anything is written."""
    plan = parse_plan(product_id, document)
    try:
        modifiers = bc.list_product_modifiers(store_hash, product_id)
    except NotFound as exc:
        raise ProductNotFound(product_id) from exc
    ours = next(
        (m for m in modifiers if m.id == plan.cadence_option_id),
        next((m for m in modifiers if m.display_name == CADENCE_MODIFIER), None),
    )
    labels = [c.label for c in plan.cadences]
    modifier = bc.put_dropdown_modifier(
        store_hash, product_id, CADENCE_MODIFIER, labels, ours.id if ours else None
    )
    plan = plan.model_copy(update={"cadence_option_id": modifier.id})
    value = plan.model_dump_json(exclude={"product_id"}, exclude_defaults=True)
    bc.put_product_metafield(store_hash, product_id, NAMESPACE, KEY, value)
    entry = catalog.refresh(store_hash, product_id, now)
    assert entry.plan is not None, entry.error  # what we just wrote validated above
    return entry.plan


def read_plan(
    store_hash: str, product_id: int, *, catalog: PlanCatalog, now: datetime
) -> CachedPlan:
    """The product's plan as BigCommerce holds it now (the cache is refreshed on the way), or
    why it is invalid; ProductNotFound for a product the store does not have."""
    return catalog.refresh(store_hash, product_id, now, reading=True)
