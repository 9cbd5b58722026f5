"""A plan's commercial terms and cadences: what a subscription locks in when it starts.

Apart from the plan itself (`plan.py`), whose grants (allotments, entitlements) only a new
subscription reads: a renewal or a sweep reads the terms its subscription holds and never
loads the grants' records.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from .schedule import Interval


class Cadence(BaseModel):
    """One recurrence the shopper can pick, e.g. "Every 2 weeks"."""

    model_config = ConfigDict(frozen=True)

    label: str = Field(min_length=1, max_length=100)
    interval: Interval
    interval_count: int = Field(default=1, ge=1, le=365)
    # Percent off the locked line price on renewals of this cadence (0 = the price as bought).
    discount_percent: Decimal = Field(default=Decimal("0"), ge=0, le=100)
    # No longer sold: a republished plan that drops a cadence keeps it here, retired, so
    # orders placed before and live subscriptions still name it, but nobody new can pick it.
    retired: bool = False
    # The cadence modifier's option value naming this cadence (set when the plan is published).
    option_value_id: int | None = None


class Tier(BaseModel):
    """Volume tier: from `min_quantity` units on, renewals take `discount_percent` off."""

    model_config = ConfigDict(frozen=True)

    min_quantity: int = Field(ge=2)
    discount_percent: Decimal = Field(gt=0, le=100)


class PlanTerms(BaseModel):
    """The commercial terms of a plan, locked into each subscription when it starts."""

    model_config = ConfigDict(frozen=True)

    # Prepaid: one charge covers this many deliveries (1 = pay every cycle).
    billing_period_count: int = Field(default=1, ge=1, le=52)
    # Minimum paid cycles before the shopper may cancel (0 = no commitment).
    commitment_count: int = Field(default=0, ge=0, le=120)
    # Fixed length: the subscription expires after this many cycles (None = until cancelled).
    max_cycles: int | None = Field(default=None, ge=1, le=1000)
    tiers: tuple[Tier, ...] = Field(default=(), max_length=20)
    # Renewals charge the price as bought. Charging today's catalog price ("catalog") is not
    # supported: a plan asking for it is refused rather than silently charged the locked price.
    price_source: Literal["locked"] = "locked"
    # Renewals ship free; otherwise each paid renewal keeps the checkout's shipping cost.
    free_shipping: StrictBool = False

    @field_validator("tiers")
    @classmethod
    def _tiers_ascend(cls, tiers: tuple[Tier, ...]) -> tuple[Tier, ...]:
        quantities = [t.min_quantity for t in tiers]
        if quantities != sorted(set(quantities)):
            raise ValueError("tiers must have distinct min_quantity values in ascending order")
        return tiers
