"""Where a subscription ships and what shipping it keeps, from the checkout's consignments.

A checkout order ships its lines in one or more consignments, each to one address by one
method at one cost. A subscription keeps every address its own lines shipped to, and of each
consignment's cost the share its lines had of the consignment's value, so two subscriptions
(or a subscription and a one-time line) bought together never both pay the whole shipping.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import msgspec

CENT = Decimal("0.01")


class Consignment(msgspec.Struct, frozen=True):
    """One shipping consignment of the checkout: its address (with `shipping_method`), its
    cost, and the value of each line it carried (line id -> line total)."""

    address: dict[str, str]
    cost_ex_tax: Decimal
    cost_inc_tax: Decimal
    line_totals: dict[int, Decimal] = msgspec.field(default_factory=dict)


class ShipTo(msgspec.Struct, frozen=True):
    addresses: list[dict[str, str]]
    cost_ex_tax: Decimal = Decimal("0")
    cost_inc_tax: Decimal = Decimal("0")


def ship_to(line_ids: set[int], consignments: list[Consignment]) -> ShipTo:
    """The addresses and kept shipping cost of the subscription made of `line_ids`."""
    addresses: list[dict[str, str]] = []
    ex, inc = Decimal("0"), Decimal("0")
    for consignment in consignments:
        mine = line_ids & consignment.line_totals.keys()
        if not mine:
            continue
        addresses.append(consignment.address)
        share = _share(mine, consignment.line_totals)
        ex += _cents(consignment.cost_ex_tax * share)
        inc += _cents(consignment.cost_inc_tax * share)
    return ShipTo(addresses, ex, inc)


def _share(mine: set[int], totals: dict[int, Decimal]) -> Decimal:
    """The value share of `mine`; by line count when the consignment's lines cost nothing."""
    whole = sum(totals.values(), Decimal("0"))
    if whole <= 0:
        return Decimal(len(mine)) / Decimal(len(totals))
    return sum((totals[i] for i in mine), Decimal("0")) / whole


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
