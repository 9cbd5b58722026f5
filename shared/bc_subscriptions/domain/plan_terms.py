"""A plan's commercial terms and cadences: what a subscription locks in when it starts.

Apart from the plan itself (`plan.py`), whose grants (allotments, entitlements) only a new
subscription reads: a renewal or a sweep reads the terms its subscription holds and never
loads the grants' records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from .record import FieldError, FrozenRecord, within
from .schedule import Interval


class Cadence(FrozenRecord, frozen=True, kw_only=True):
    """One recurrence the shopper can pick, e.g. "Every 2 weeks"."""

    label: str
    interval: Interval
    interval_count: int = 1
    # Percent off the locked line price on renewals of this cadence (0 = the price as bought).
    discount_percent: Decimal = Decimal("0")
    # No longer sold: a republished plan that drops a cadence keeps it here, retired, so
    # orders placed before and live subscriptions still name it, but nobody new can pick it.
    retired: bool = False
    # The cadence modifier's option value naming this cadence (set when the plan is published).
    option_value_id: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.label) <= 100:
            raise FieldError("label", "must be 1 to 100 characters")
        within("interval_count", self.interval_count, 1, 365)
        within("discount_percent", self.discount_percent, 0, 100)


class Tier(FrozenRecord, frozen=True, kw_only=True):
    """Volume tier: from `min_quantity` units on, renewals take `discount_percent` off."""

    min_quantity: int
    discount_percent: Decimal

    def __post_init__(self) -> None:
        if self.min_quantity < 2:
            raise FieldError("min_quantity", "must be greater than or equal to 2")
        if not 0 < self.discount_percent <= 100:
            raise FieldError("discount_percent", "must be greater than 0 and at most 100")


class PlanTerms(FrozenRecord, frozen=True, kw_only=True):
    """The commercial terms of a plan, locked into each subscription when it starts."""

    # Prepaid: one charge covers this many deliveries (1 = pay every cycle).
    billing_period_count: int = 1
    # Minimum paid cycles before the shopper may cancel (0 = no commitment).
    commitment_count: int = 0
    # Fixed length: the subscription expires after this many cycles (None = until cancelled).
    max_cycles: int | None = None
    tiers: tuple[Tier, ...] = ()
    # Renewals charge the price as bought. Charging today's catalog price ("catalog") is not
    # supported: a plan asking for it is refused rather than silently charged the locked price.
    price_source: Literal["locked"] = "locked"
    # Renewals ship free; otherwise each paid renewal keeps the checkout's shipping cost.
    free_shipping: bool = False

    def __post_init__(self) -> None:
        within("billing_period_count", self.billing_period_count, 1, 52)
        within("commitment_count", self.commitment_count, 0, 120)
        if self.max_cycles is not None:
            within("max_cycles", self.max_cycles, 1, 1000)
        if len(self.tiers) > 20:
            raise FieldError("tiers", "at most 20")
        quantities = [t.min_quantity for t in self.tiers]
        if quantities != sorted(set(quantities)):
            raise FieldError(
                "tiers", "tiers must have distinct min_quantity values in ascending order"
            )
        if self.price_source != "locked":
            raise FieldError("price_source", "only 'locked' is supported")
        if not isinstance(self.free_shipping, bool):
            raise FieldError("free_shipping", "must be true or false")
