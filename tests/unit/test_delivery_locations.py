"""Delivery locations: what a location must name, what its order costs, and from which cycle
a change applies."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.domain.locations import (
    MAX_LOCATIONS,
    DeliveryLocation,
    LocationNotFound,
    LocationRuleBroken,
    applies_from_cycle,
    location_lines,
    location_total,
    new_location,
    without,
)
from bc_subscriptions.domain.plan import Cadence, PlanTerms, Tier
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription import LockedLine

NOW = datetime(2026, 3, 1, tzinfo=UTC)
MONTHLY = Cadence(label="Monthly", interval=Interval.MONTH)
LINES = [
    LockedLine(product_id=1, quantity=2, price_ex_tax=Decimal("10"), price_inc_tax=Decimal("10")),
    LockedLine(product_id=2, quantity=1, price_ex_tax=Decimal("4"), price_inc_tax=Decimal("5")),
]


def fields(**over: Any) -> dict[str, Any]:
    address = {
        "first_name": "Dana",
        "last_name": "Lee",
        "street_1": "1 Main St",
        "city": "Austin",
        "zip": "78701",
        "country_iso2": "US",
        "shipping_method": "Flat Rate",
    }
    base: dict[str, Any] = {"address": address, "shipping_cost_ex_tax": "3.00"}
    return base | over


def make(
    n: int = 0, existing: list[DeliveryLocation] | None = None, **over: Any
) -> DeliveryLocation:
    return new_location(
        location_id=f"loc_{n:010x}",
        fields=fields(**over),
        existing=existing or [],
        line_count=len(LINES),
        now=NOW,
    )


def test_a_complete_address_with_a_shipping_method_makes_a_location() -> None:
    # When
    loc = make()
    # Then tax-inclusive shipping defaults to the ex-tax amount
    assert loc.address["city"] == "Austin"
    assert loc.shipping_cost_inc_tax == Decimal("3.00")
    assert loc.quantities is None


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"address": {"city": "Austin"}}, "address_incomplete"),
        ({"address": "1 Main St"}, "invalid_address"),
        ({"address": fields()["address"] | {"shipping_method": ""}}, "shipping_method_required"),
        ({"address": fields()["address"] | {"country_iso2": "USA"}}, "invalid_address"),
        ({"address": fields()["address"] | {"planet": "Mars"}}, "invalid_address"),
        ({"shipping_cost_ex_tax": "-1"}, "invalid_shipping_cost"),
        ({"shipping_cost_ex_tax": "abc"}, "invalid_shipping_cost"),
        ({"shipping_cost_ex_tax": "5", "shipping_cost_inc_tax": "4"}, "invalid_shipping_cost"),
        ({"shipping_cost_ex_tax": "1.001"}, "invalid_shipping_cost"),
        ({"quantities": [1]}, "invalid_quantities"),
        ({"quantities": [0, 0]}, "invalid_quantities"),
        ({"quantities": [1, -1]}, "invalid_quantities"),
        ({"quantities": [True, 1]}, "invalid_quantities"),
        ({"label": "x" * 101}, "invalid_label"),
    ],
)
def test_a_location_the_rules_refuse_names_the_rule(over: dict[str, Any], code: str) -> None:
    # When / Then
    with pytest.raises(LocationRuleBroken) as refused:
        make(**over)
    assert refused.value.code == code


def test_the_same_address_twice_is_refused_whatever_its_case() -> None:
    # Given
    first = make(0)
    shouting = fields()["address"] | {"street_1": "1 MAIN ST"}
    # When / Then
    with pytest.raises(LocationRuleBroken) as refused:
        make(1, [first], address=shouting)
    assert refused.value.code == "duplicate_location"


def test_a_subscription_ships_to_a_bounded_number_of_locations() -> None:
    # Given as many locations as allowed
    existing = [
        make(n, address=fields()["address"] | {"street_1": f"{n} Main St"})
        for n in range(MAX_LOCATIONS)
    ]
    # When / Then
    with pytest.raises(LocationRuleBroken) as refused:
        make(99, existing, address=fields()["address"] | {"street_1": "99 Elm St"})
    assert refused.value.code == "too_many_locations"


def test_removing_a_location_that_is_not_there_is_not_found() -> None:
    # Given
    loc = make()
    # When / Then
    assert without([loc], loc.id) == []
    with pytest.raises(LocationNotFound):
        without([loc], "loc_ffffffffff")


def test_a_change_reaches_the_next_cycle_unless_it_already_started() -> None:
    assert applies_from_cycle(4, next_cycle_started=False) == 4
    assert applies_from_cycle(4, next_cycle_started=True) == 5


def test_a_location_ships_its_own_quantities_and_leaves_zero_lines_out() -> None:
    # Given a location taking 5 of the first line and none of the second
    loc = make(quantities=[5, 0])
    # When
    lines = location_lines(LINES, loc, terms=PlanTerms(), cadence=MONTHLY)
    # Then
    assert [(line.product_id, priced.quantity) for line, priced in lines] == [(1, 5)]
    assert location_total(LINES, loc, terms=PlanTerms(), cadence=MONTHLY) == Decimal("53.00")


def test_a_location_without_quantities_ships_the_subscription_quantities() -> None:
    # Given
    loc = make()
    # When
    total = location_total(LINES, loc, terms=PlanTerms(), cadence=MONTHLY)
    # Then 2 x 10 + 1 x 5 + 3 shipping
    assert total == Decimal("28.00")


def test_each_location_order_gets_the_volume_tier_of_its_own_quantity() -> None:
    # Given a tier from 5 units and a free-shipping plan
    terms = PlanTerms(
        tiers=(Tier(min_quantity=5, discount_percent=Decimal("10")),), free_shipping=True
    )
    small, large = make(0, quantities=[1, 0]), make(1, quantities=[5, 0])
    # When / Then the large order is discounted, neither pays shipping
    assert location_total(LINES, small, terms=terms, cadence=MONTHLY) == Decimal("10.00")
    assert location_total(LINES, large, terms=terms, cadence=MONTHLY) == Decimal("45.00")
