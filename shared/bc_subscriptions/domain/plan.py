"""Plans: a product's recurrence options, read from its `bc_subscriptions.plan` metafield."""

from __future__ import annotations

from typing import Any

import msgspec

from .allotments import PlanAllotment
from .entitlements import PlanEntitlement

# Named from here too: a plan's cadences and terms are its own as much as its subscriptions'.
from .plan_terms import Cadence as Cadence
from .plan_terms import PlanTerms as PlanTerms
from .plan_terms import Tier as Tier
from .record import FieldError, within

ONE_TIME_VALUES = frozenset({"one-time", "one time", "one-time purchase", "once"})


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
        within("trial_days", self.trial_days, 0, 365)
        if len(self.allotments) > 5:
            raise FieldError("allotments", "at most 5")
        if len(self.entitlements) > 10:
            raise FieldError("entitlements", "at most 10")
        within("cancel_grace_days", self.cancel_grace_days, 0, 365)

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
