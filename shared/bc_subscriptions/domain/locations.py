"""Delivery locations: one subscription shipping to several addresses, one order each.

Unlike the checkout's extra shipping addresses (one order split over consignments), every
location gets its own BigCommerce order each cycle, priced and paid on its own, so a branch
office's order can be shipped, refunded or chased without touching the others.

A location is a full shipping address with its shipping method and the shipping cost the
merchant agreed for it (BigCommerce quotes no shipping through the API). It ships the
subscription's locked lines, at the subscription's quantities unless it names its own
(`quantities`, one per line in the subscription's line order; 0 leaves a line out).

The locations on the subscription are the ones the next cycle not yet started will ship to:
when a cycle is claimed its locations are copied onto the cycle's charges, so an addition or
removal made while a cycle runs applies from the cycle after it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .errors import DomainError
from .pricing import PricedLine, order_total, price_line
from .record import FieldError, FrozenRecord

if TYPE_CHECKING:
    from .plan import Cadence, PlanTerms

MAX_LOCATIONS = 25
# What a carrier needs on the label; BigCommerce itself accepts less, we refuse to guess.
REQUIRED_ADDRESS_FIELDS = ("first_name", "last_name", "street_1", "city", "zip", "country_iso2")
ADDRESS_FIELDS = (
    *REQUIRED_ADDRESS_FIELDS,
    "company",
    "street_2",
    "state",
    "country",
    "phone",
    "email",
    "shipping_method",
)


class LocationRuleBroken(DomainError):
    """A location change the rules refuse; `code` names the rule."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


_LOCATION_ID = re.compile(r"loc_[0-9a-f]{10}")


class LocationNotFound(DomainError):
    code = "location_not_found"


class DeliveryLocation(FrozenRecord, frozen=True, kw_only=True):
    id: str
    label: str = ""
    address: dict[str, str]
    shipping_cost_ex_tax: Decimal = Decimal("0")
    shipping_cost_inc_tax: Decimal = Decimal("0")
    # One per subscription line (same order); None ships the subscription's own quantities.
    quantities: tuple[int, ...] | None = None
    added_at: datetime

    def __post_init__(self) -> None:
        if not _LOCATION_ID.fullmatch(self.id):
            raise FieldError("id", "must be loc_ and 10 hex digits")
        if len(self.label) > 100:
            raise FieldError("label", "must be at most 100 characters")
        for name in ("shipping_cost_ex_tax", "shipping_cost_inc_tax"):
            if getattr(self, name) < 0:
                raise FieldError(name, "must not be negative")


class LineLike(Protocol):
    """The parts of a locked line a location's order is priced from."""

    @property
    def product_id(self) -> int: ...
    @property
    def variant_id(self) -> int | None: ...
    @property
    def quantity(self) -> int: ...
    @property
    def price_ex_tax(self) -> Decimal: ...
    @property
    def price_inc_tax(self) -> Decimal: ...


L = TypeVar("L", bound=LineLike)


def new_location(
    *,
    location_id: str,
    fields: dict[str, Any],
    existing: Sequence[DeliveryLocation],
    line_count: int,
    now: datetime,
) -> DeliveryLocation:
    """A location from the merchant's request, or the rule it breaks."""
    if len(existing) >= MAX_LOCATIONS:
        raise LocationRuleBroken(
            "too_many_locations", f"a subscription ships to at most {MAX_LOCATIONS} locations"
        )
    address = _address(fields.get("address"))
    ex, inc = _costs(fields)
    quantities = _quantities(fields.get("quantities"), line_count)
    if any(_same_place(address, loc.address) for loc in existing):
        raise LocationRuleBroken(
            "duplicate_location", "the subscription already ships to this address"
        )
    label = fields.get("label", "")
    if not isinstance(label, str) or len(label) > 100:
        raise LocationRuleBroken("invalid_label", "label must be a string of at most 100")
    return DeliveryLocation(
        id=location_id,
        label=label,
        address=address,
        shipping_cost_ex_tax=ex,
        shipping_cost_inc_tax=inc,
        quantities=quantities,
        added_at=now,
    )


def without(locations: Sequence[DeliveryLocation], location_id: str) -> list[DeliveryLocation]:
    """The locations with one removed; a location that is not there is refused."""
    kept = [loc for loc in locations if loc.id != location_id]
    if len(kept) == len(locations):
        raise LocationNotFound(f"no location {location_id} on this subscription")
    return kept


def applies_from_cycle(next_cycle: int, next_cycle_started: bool) -> int:
    """The first cycle a location change reaches: never one already started."""
    return next_cycle + 1 if next_cycle_started else next_cycle


def location_lines(
    lines: Sequence[L], location: DeliveryLocation, *, terms: PlanTerms, cadence: Cadence
) -> list[tuple[L, PricedLine]]:
    """The lines the location's order carries at this renewal's prices (volume tiers on the
    location's own quantity: each order is priced on its own), zero-quantity lines left out."""
    quantities = location.quantities or tuple(line.quantity for line in lines)
    out = []
    for line, quantity in zip(lines, quantities, strict=True):
        if quantity <= 0:
            continue
        priced = price_line(
            line.product_id,
            line.variant_id,
            quantity,
            line.price_ex_tax,
            line.price_inc_tax,
            terms=terms,
            cadence=cadence,
        )
        out.append((line, priced))
    return out


def location_shipping(location: DeliveryLocation, terms: PlanTerms) -> tuple[Decimal, Decimal]:
    """(ex tax, inc tax) shipping of the location's paid order."""
    if terms.free_shipping:
        return Decimal("0"), Decimal("0")
    return location.shipping_cost_ex_tax, location.shipping_cost_inc_tax


def location_total(
    lines: Sequence[LineLike], location: DeliveryLocation, *, terms: PlanTerms, cadence: Cadence
) -> Decimal:
    """What the location's paid order comes to, shipping included (tax included)."""
    priced = [p for _, p in location_lines(lines, location, terms=terms, cadence=cadence)]
    return order_total(priced) + location_shipping(location, terms)[1]


def _address(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise LocationRuleBroken("invalid_address", "address must be an object of strings")
    unknown = sorted(set(value) - set(ADDRESS_FIELDS))
    if unknown:
        raise LocationRuleBroken("invalid_address", f"unknown address fields: {unknown}")
    missing = [f for f in REQUIRED_ADDRESS_FIELDS if not value.get(f, "").strip()]
    if missing:
        raise LocationRuleBroken("address_incomplete", f"address needs {missing}")
    if len(value["country_iso2"]) != 2 or not value["country_iso2"].isalpha():
        raise LocationRuleBroken("invalid_address", "country_iso2 must be two letters")
    if not value.get("shipping_method", "").strip():
        raise LocationRuleBroken(
            "shipping_method_required", "a location names the shipping method it ships by"
        )
    return {k: value[k] for k in ADDRESS_FIELDS if k in value}


def _costs(fields: dict[str, Any]) -> tuple[Decimal, Decimal]:
    try:
        ex = Decimal(str(fields.get("shipping_cost_ex_tax", "0")))
        inc = Decimal(str(fields.get("shipping_cost_inc_tax", ex)))
    except ArithmeticError as exc:
        raise LocationRuleBroken("invalid_shipping_cost", "shipping costs are amounts") from exc
    if not (ex.is_finite() and inc.is_finite()) or ex < 0 or inc < ex:
        raise LocationRuleBroken(
            "invalid_shipping_cost", "shipping costs are not negative, tax included at least ex"
        )
    if ex != ex.quantize(Decimal("0.01")) or inc != inc.quantize(Decimal("0.01")):
        raise LocationRuleBroken("invalid_shipping_cost", "shipping costs are whole cents")
    return ex, inc


def _quantities(value: Any, line_count: int) -> tuple[int, ...] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != line_count
        or not all(isinstance(q, int) and not isinstance(q, bool) for q in value)
    ):
        raise LocationRuleBroken(
            "invalid_quantities", f"quantities is a list of {line_count} whole numbers"
        )
    if any(q < 0 or q > 10_000 for q in value) or not any(q > 0 for q in value):
        raise LocationRuleBroken(
            "invalid_quantities", "quantities are 0 to 10000 and at least one is above 0"
        )
    return tuple(value)


def _same_place(a: dict[str, str], b: dict[str, str]) -> bool:
    keys = ("street_1", "street_2", "city", "zip", "country_iso2", "first_name", "last_name")
    return all(a.get(k, "").strip().lower() == b.get(k, "").strip().lower() for k in keys)
