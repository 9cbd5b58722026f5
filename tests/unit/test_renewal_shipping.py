"""What a subscription keeps from its checkout to ship renewals: addresses, shipping cost."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bc_subscriptions.domain.declines import DeclineClass, classify, known_codes, reason
from bc_subscriptions.domain.plan import PlanTerms
from bc_subscriptions.domain.record import from_data
from bc_subscriptions.domain.shipping import Consignment, ship_to
from bc_subscriptions.domain.subscription import Subscription, stored_data
from bc_subscriptions.domain.subscription_pricing import (
    renewal_shipping,
    renewal_total,
    shipping_addresses,
)

from .factories import subscription

HOME = {"street_1": "1 Home Rd", "shipping_method": "Courier"}
OFFICE = {"street_1": "2 Office Pl", "shipping_method": "Flat Rate"}


def _consignment(address: dict[str, str], cost: str, **lines: str) -> Consignment:
    totals = {int(k.removeprefix("l")): Decimal(v) for k, v in lines.items()}
    return Consignment(address, Decimal(cost), Decimal(cost), totals)


def test_a_subscription_keeps_every_address_its_lines_shipped_to_and_only_those() -> None:
    # Given lines 1 and 2 to home, line 3 to the office, line 4 elsewhere
    consignments = [
        _consignment(HOME, "6.00", l1="10", l2="20"),
        _consignment(OFFICE, "4.00", l3="5"),
        _consignment({"street_1": "3 Other"}, "9.00", l4="5"),
    ]
    # When the subscription is made of lines 1 and 3
    ship = ship_to({1, 3}, consignments)
    # Then it ships home and to the office, with line 1's third of home's cost and all of the
    # office's
    assert ship.addresses == [HOME, OFFICE]
    assert (ship.cost_ex_tax, ship.cost_inc_tax) == (Decimal("6.00"), Decimal("6.00"))


def test_a_shipping_share_is_rounded_to_cents() -> None:
    # Given / When a third of 10.00
    ship = ship_to({1}, [_consignment(HOME, "10.00", l1="1", l2="1", l3="1")])
    # Then
    assert ship.cost_inc_tax == Decimal("3.33")


def test_a_consignment_of_free_lines_shares_its_cost_by_line_count() -> None:
    # Given / When
    ship = ship_to({1}, [_consignment(HOME, "8.00", l1="0", l2="0")])
    # Then
    assert ship.cost_inc_tax == Decimal("4.00")


def test_a_digital_subscription_ships_nowhere_and_pays_no_shipping() -> None:
    # Given / When no consignment holds its lines
    ship = ship_to({1}, [])
    # Then
    assert ship.addresses == [] and ship.cost_inc_tax == Decimal("0")


def test_a_renewal_keeps_the_checkouts_shipping_in_its_total() -> None:
    # Given a 20.00 subscription that shipped for 5.50
    sub = subscription(
        shipping_address=HOME,
        shipping_cost_ex_tax=Decimal("5.00"),
        shipping_cost_inc_tax=Decimal("5.50"),
    )
    # When / Then
    assert renewal_shipping(sub) == (Decimal("5.00"), Decimal("5.50"))
    assert renewal_total(sub) == Decimal("25.50")


def test_a_free_shipping_plan_renews_without_shipping() -> None:
    # Given
    sub = subscription(
        shipping_address=HOME,
        shipping_cost_inc_tax=Decimal("5.50"),
        terms=PlanTerms(free_shipping=True),
    )
    # When / Then
    assert renewal_shipping(sub) == (Decimal("0"), Decimal("0"))
    assert renewal_total(sub) == Decimal("20.00")


def test_free_shipping_must_be_a_boolean_in_a_plan() -> None:
    # Given / When / Then a string is refused rather than read as true
    with pytest.raises(ValueError):
        from_data(PlanTerms, {"free_shipping": "yes"})


def test_a_subscription_stored_before_shipping_was_kept_still_loads() -> None:
    # Given a stored record without the new fields (and a card without its type)
    doc = stored_data(subscription())
    for name in (
        "extra_shipping_addresses",
        "shipping_cost_ex_tax",
        "shipping_cost_inc_tax",
        "channel_id",
        "order_payment_method",
    ):
        doc.pop(name)
    doc["payment_method"].pop("instrument_type")
    # When
    sub = from_data(Subscription, doc)
    # Then it renews as before: channel 1, no shipping cost, a stored card
    assert (sub.channel_id, renewal_shipping(sub)) == (1, (Decimal("0"), Decimal("0")))
    assert sub.payment_method is not None
    assert sub.payment_method.instrument_type == "stored_card"
    assert shipping_addresses(sub) == []


# Every code of the payments guide's error table, with the access-token refusals.
DOCUMENTED = {
    10000, 10001, 30000, 30001, 30002, 30003, 30004, 30050, 30051,
    30100, 30101, 30102, 30103, 30104, 30105, 30106, 30107,
}  # fmt: skip


def test_every_documented_payment_and_token_code_has_a_class_and_a_reason() -> None:
    # Given / When / Then
    assert known_codes() >= DOCUMENTED
    assert all(reason(code).startswith(f"{code}: ") for code in DOCUMENTED)


@pytest.mark.parametrize("code", [10001, 30000, 30001, 30002, 30003, 30100])
def test_store_setup_refusals_are_setup_errors_not_retried_promptly(code: int) -> None:
    # Given / When / Then
    assert classify(code) is DeclineClass.SETUP


def test_an_instrument_that_could_not_be_saved_is_a_hard_decline() -> None:
    # Given / When / Then
    assert classify(30050) is DeclineClass.HARD
