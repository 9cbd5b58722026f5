"""Plans: a product's recurrence options, read from its `bc_subscriptions.plan` metafield."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import msgspec

from .allotments import PlanAllotment
from .entitlements import PlanEntitlement
from .record import FieldError, FrozenRecord
from .schedule import Interval

ONE_TIME_VALUES = frozenset({"one-time", "one time", "one-time purchase", "once"})


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
        _within("interval_count", self.interval_count, 1, 365)
        if not 0 <= self.discount_percent <= 100:
            raise FieldError("discount_percent", "must be from 0 to 100")


class Tier(FrozenRecord, frozen=True, kw_only=True):
    """Volume tier: from `min_quantity` units on, renewals take `discount_percent` off."""

    min_quantity: int
    discount_percent: Decimal

    def __post_init__(self) -> None:
        if self.min_quantity < 2:
            raise FieldError("min_quantity", "must be at least 2")
        if not 0 < self.discount_percent <= 100:
            raise FieldError("discount_percent", "must be more than 0 and at most 100")


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
        _within("billing_period_count", self.billing_period_count, 1, 52)
        _within("commitment_count", self.commitment_count, 0, 120)
        if self.max_cycles is not None:
            _within("max_cycles", self.max_cycles, 1, 1000)
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


class Plan(PlanTerms, frozen=True, kw_only=True):
    """A product's subscription plan; the shopper's cadence arrives as an order-line option."""

    product_id: int
    cadences: list[Cadence]
    default_cadence: str | None = None
    cadence_option_id: int | None = None
    trial_days: int = 0
    # Allotments each subscriber is granted when their subscription starts (D18).
    allotments: tuple[PlanAllotment, ...] = ()
    # Merchant-defined values, each meeting its store's plan definition (see `custom_fields`);
    # checked where we write the plan, not when BigCommerce's copy is read back.
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)
    # What a subscription to this plan grants its holder (e.g. a customer group), and for how
    # many days after it ends (cancelled or expired) the grant still holds.
    entitlements: tuple[PlanEntitlement, ...] = ()
    cancel_grace_days: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        self._fields_in_bounds()
        keys = [g.key for g in self.entitlements]
        if len(set(keys)) != len(keys):
            raise FieldError("entitlements", "entitlement keys must be distinct")
        self._default_is_a_cadence()

    def _fields_in_bounds(self) -> None:
        if self.product_id <= 0:
            raise FieldError("product_id", "must be greater than 0")
        if not self.cadences:
            raise FieldError("cadences", "at least one cadence")
        _within("trial_days", self.trial_days, 0, 365)
        if len(self.allotments) > 5:
            raise FieldError("allotments", "at most 5")
        if len(self.entitlements) > 10:
            raise FieldError("entitlements", "at most 10")
        _within("cancel_grace_days", self.cancel_grace_days, 0, 365)

    def _default_is_a_cadence(self) -> None:
        labels = [c.label.casefold() for c in self.cadences]
        if len(set(labels)) != len(labels):
            raise ValueError("cadence labels must be distinct")
        if not self.offered():
            raise ValueError("at least one cadence must not be retired")
        if self.default_cadence is not None:
            default = self._find(self.default_cadence)
            if default is None:
                raise ValueError(
                    f"default_cadence {self.default_cadence!r} is not one of the cadences"
                )
            if default.retired:
                raise ValueError(f"default_cadence {self.default_cadence!r} is retired")

    def offered(self) -> list[Cadence]:
        """The cadences a shopper may pick now (for a new subscription or a change)."""
        return [c for c in self.cadences if not c.retired]

    def default(self) -> Cadence:
        """The cadence of a line that names none."""
        chosen = self._find(self.default_cadence) if self.default_cadence else None
        return chosen or self.offered()[0]

    def keeping_retired(self, previous: Plan | None) -> Plan:
        """This plan, plus every cadence of `previous` it no longer lists, retired: a
        subscription or an order in flight may still name it."""
        if previous is None:
            return self
        kept = [
            msgspec.structs.replace(c, retired=True)
            for c in previous.cadences
            if self._find(c.label) is None
        ]
        return msgspec.structs.replace(self, cadences=[*self.cadences, *kept]) if kept else self

    def terms(self) -> PlanTerms:
        names = PlanTerms.__struct_fields__
        return PlanTerms(**{name: getattr(self, name) for name in names})

    def _find(self, label: str) -> Cadence | None:
        wanted = label.strip().casefold()
        return next((c for c in self.cadences if c.label.casefold() == wanted), None)

    def cadence_for(self, options: list[tuple[int, str]]) -> Cadence | None:
        """The cadence a line asked for, given its (option_id, display value) pairs.

        None means the line is a one-time purchase and starts no subscription. A retired
        cadence is still found: the order was placed while it was sold (the storefront no
        longer offers it).
        """
        chosen = next((v for oid, v in options if oid == self.cadence_option_id), None)
        if chosen is None:
            return self.default()
        if chosen.strip().casefold() in ONE_TIME_VALUES:
            return None
        return self._find(chosen)


def _within(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise FieldError(name, f"must be from {low} to {high}")
