"""Renewal prices: the locked line price, less the cadence discount and the volume tier.

Rounding rule: discounts compound on the unit price ((1 - cadence%) x (1 - tier%)), the
discounted unit price is rounded half-up to the cent, and the line total is that unit price
times the quantity. The order total is the sum of line totals, which is exactly what
BigCommerce computes from the lines we send, so the amount we charge always equals its total.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from .record import FrozenRecord

if TYPE_CHECKING:
    from .plan import Cadence, PlanTerms

CENT = Decimal("0.01")
_HUNDRED = Decimal("100")


class PricedLine(FrozenRecord, frozen=True, kw_only=True):
    """A locked line at this renewal's unit prices."""

    product_id: int
    variant_id: int | None
    quantity: int
    unit_ex_tax: Decimal
    unit_inc_tax: Decimal

    @property
    def total_inc_tax(self) -> Decimal:
        return self.unit_inc_tax * self.quantity


def tier_percent(terms: PlanTerms, quantity: int) -> Decimal:
    """The discount of the highest tier the quantity reaches (0 below the first tier)."""
    reached = [t.discount_percent for t in terms.tiers if quantity >= t.min_quantity]
    return reached[-1] if reached else Decimal("0")


def unit_price(price: Decimal, cadence_percent: Decimal, tier: Decimal) -> Decimal:
    factor = (1 - cadence_percent / _HUNDRED) * (1 - tier / _HUNDRED)
    return (price * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def price_line(
    product_id: int,
    variant_id: int | None,
    quantity: int,
    price_ex_tax: Decimal,
    price_inc_tax: Decimal,
    *,
    terms: PlanTerms,
    cadence: Cadence,
) -> PricedLine:
    tier = tier_percent(terms, quantity)
    return PricedLine(
        product_id=product_id,
        variant_id=variant_id,
        quantity=quantity,
        unit_ex_tax=unit_price(price_ex_tax, cadence.discount_percent, tier),
        unit_inc_tax=unit_price(price_inc_tax, cadence.discount_percent, tier),
    )


def order_total(lines: Iterable[PricedLine]) -> Decimal:
    return sum((line.total_inc_tax for line in lines), Decimal("0"))
