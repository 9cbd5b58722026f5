"""Plans come from product metafields; the table caches them (and their absence) for a while."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

import msgspec

from ..domain.cadence_values import cadence_values
from ..domain.plan_metafield import KEY, NAMESPACE, InvalidPlan, parse_plan
from ..domain.record import without_defaults
from ..observability import logger
from ..ports.bigcommerce import BigCommerce, Metafield, MetafieldWrite, ModifierValue, NotFound
from ..ports.storage import CachedPlan, OpsEvent, OpsEvents, PlanCache, UnitOfWork

if TYPE_CHECKING:
    from ..domain.plan import Plan

# The product modifier the shopper picks a cadence with (its values are the cadence labels).
CADENCE_MODIFIER = "Subscription"
PLAN_TTL = timedelta(minutes=15)
PLAN_INVALID = "plan.invalid"
# Readable by other apps and the storefront (a theme can show cadences and discounts; none of
# it is secret), writable only by us, so nothing else can part the plan from its modifier.
PLAN_PERMISSION_SET: Final = "read_and_sf_access"
RETIRED_MESSAGE = "This delivery schedule is no longer offered."


class PlanCatalog:
    """Which products are subscribable, read through the cache; a bad plan is skipped, loudly."""

    def __init__(
        self,
        *,
        cache: PlanCache,
        bc: BigCommerce,
        ops: OpsEvents,
        client_id: str,
        ttl: timedelta = PLAN_TTL,
    ) -> None:
        self._cache, self._bc, self._ops, self._ttl = cache, bc, ops, ttl
        self.client_id = client_id

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
        field = plan_field(fields, self.client_id)
        if field is not None:
            try:
                plan = parse_plan(product_id, field.value)
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


def plan_field(fields: list[Metafield], client_id: str) -> Metafield | None:
    """The plan metafield to believe: ours; else one another client wrote and lets us read
    (a merchant's own API account, say). Ours wins, since only we keep it beside its modifier."""
    ours = [f for f in fields if f.owner_client_id == client_id]
    return next(iter(ours or fields), None)


def publish_plan(
    store_hash: str,
    product_id: int,
    document: str,
    *,
    bc: BigCommerce,
    catalog: PlanCatalog,
    now: datetime,
    uow: UnitOfWork,
) -> Plan:
    """The merchant sets a product's plan. BigCommerce stays the truth: the cadence modifier
    (a required dropdown of the cadence labels) is created or updated first, so the plan
    written to the `bc_subscriptions.plan` metafield names its id; then our cache is refreshed
    from the metafield. An invalid document raises InvalidPlan before anything is written.

    Live subscriptions renew with the option value id they were bought with, so a republish
    keeps every value: labels still offered keep theirs, new labels get new values, and a
    cadence the document drops stays in the plan as retired and in the modifier with
    purchasing disabled (the storefront no longer sells it). The document's `custom_fields`
    are the plan's values, validated against the store's plan definitions (InvalidCustomFields
    listing every error); archived values the plan held are kept."""
    plan = parse_plan(product_id, document)
    try:
        fields = bc.get_product_metafields(store_hash, product_id, NAMESPACE, KEY)
        modifiers = bc.list_product_modifiers(store_hash, product_id)
    except NotFound as exc:
        raise ProductNotFound(product_id) from exc
    ours = next((f for f in fields if f.owner_client_id == catalog.client_id), None)
    previous = _previous(product_id, plan_field(fields, catalog.client_id))
    # Only publishing checks a plan's custom fields: the catalog that the consumers read
    # plans through never loads the custom field rules or the subscription changes.
    from .custom_fields import plan_with_custom_fields

    with uow:
        definitions = uow.custom_fields.definitions(store_hash)
    plan = plan_with_custom_fields(plan, previous, definitions)  # refused before any write
    plan = plan.keeping_retired(previous)
    wanted = plan.cadence_option_id or (previous.cadence_option_id if previous else None)
    modifier = next(
        (m for m in modifiers if m.id == wanted),
        next((m for m in modifiers if m.display_name == CADENCE_MODIFIER), None),
    )
    existing = [
        (v.id, v.label) for v in (modifier.option_values if modifier else []) if v.id is not None
    ]
    values = [
        ModifierValue(
            id=v.value_id,
            label=v.label,
            sort_order=v.sort_order,
            is_default=v.is_default,
            adjusters={
                "purchasing_disabled": {
                    "status": v.purchasing_disabled,
                    "message": RETIRED_MESSAGE if v.purchasing_disabled else "",
                }
            },
        )
        for v in cadence_values(existing, plan)
    ]
    written = bc.put_dropdown_modifier(
        store_hash, product_id, CADENCE_MODIFIER, values, modifier.id if modifier else None
    )
    ids = {v.label.strip().casefold(): v.id for v in written.option_values}
    cadences = [
        msgspec.structs.replace(c, option_value_id=ids.get(c.label.strip().casefold()))
        for c in plan.cadences
    ]
    plan = msgspec.structs.replace(plan, cadence_option_id=written.id, cadences=cadences)
    value = _metafield_value(plan)
    field = MetafieldWrite(
        namespace=NAMESPACE, key=KEY, value=value, permission_set=PLAN_PERMISSION_SET
    )
    bc.put_product_metafield(store_hash, product_id, field, ours.id if ours else None)
    entry = catalog.refresh(store_hash, product_id, now)
    assert entry.plan is not None, entry.error  # what we just wrote validated above
    return entry.plan


def _previous(product_id: int, field: Metafield | None) -> Plan | None:
    """The plan BigCommerce held before this publish (None if none, or unreadable)."""
    if field is None:
        return None
    try:
        return parse_plan(product_id, field.value)
    except InvalidPlan:
        return None


def read_plan(
    store_hash: str, product_id: int, *, catalog: PlanCatalog, now: datetime
) -> CachedPlan:
    """The product's plan as BigCommerce holds it now (the cache is refreshed on the way), or
    why it is invalid; ProductNotFound for a product the store does not have."""
    return catalog.refresh(store_hash, product_id, now, reading=True)


def _metafield_value(plan: Plan) -> str:
    """The plan as the merchant would write it: what differs from the defaults, no product."""
    written = without_defaults(plan)
    written.pop("product_id", None)
    return msgspec.json.encode(written).decode()
