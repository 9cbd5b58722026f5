"""What a subscription's paid renewal comes to: its locked lines at this renewal's prices
(`pricing`), and the shipping agreed at checkout unless the plan ships free or nothing ships."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .pricing import PricedLine, order_total, price_line

if TYPE_CHECKING:
    from .subscription import Subscription


def renewal_lines(sub: Subscription) -> list[PricedLine]:
    """The locked lines at this renewal's prices (cadence discount and volume tiers)."""
    return [
        price_line(
            line.product_id,
            line.variant_id,
            line.quantity,
            line.price_ex_tax,
            line.price_inc_tax,
            terms=sub.terms,
            cadence=sub.cadence,
        )
        for line in sub.lines
    ]


def shipping_addresses(sub: Subscription) -> list[dict[str, str]]:
    """Every address renewals ship to, the primary one first."""
    first = [sub.shipping_address] if sub.shipping_address else []
    return first + sub.extra_shipping_addresses


def renewal_shipping(sub: Subscription) -> tuple[Decimal, Decimal]:
    """(ex tax, inc tax) shipping of a paid renewal: the checkout's, or none on a free
    shipping plan or an order with nowhere to ship."""
    if sub.terms.free_shipping or not shipping_addresses(sub):
        return Decimal("0"), Decimal("0")
    return sub.shipping_cost_ex_tax, sub.shipping_cost_inc_tax


def renewal_total(sub: Subscription) -> Decimal:
    """What a paid renewal order comes to, shipping included (tax included)."""
    return order_total(renewal_lines(sub)) + renewal_shipping(sub)[1]
