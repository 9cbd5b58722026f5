"""Plans: cadence choice from order-line options, and validation."""

import msgspec
import pytest

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.record import from_data
from bc_subscriptions.domain.schedule import Interval

WEEKLY = Cadence(label="Every 2 weeks", interval=Interval.WEEK, interval_count=2)
MONTHLY = Cadence(label="Monthly", interval=Interval.MONTH)
PLAN = Plan(
    product_id=1, cadences=[MONTHLY, WEEKLY], default_cadence="Monthly", cadence_option_id=9
)


def test_the_shoppers_option_picks_the_cadence() -> None:
    # Given / When / Then
    assert PLAN.cadence_for([(9, "every 2 WEEKS")]) == WEEKLY


def test_a_line_without_the_modifier_gets_the_default_cadence() -> None:
    # Given / When / Then
    assert PLAN.cadence_for([(4, "Red")]) == MONTHLY


def test_one_time_purchase_starts_no_subscription() -> None:
    # Given / When / Then
    assert PLAN.cadence_for([(9, "One-time purchase")]) is None


def test_an_unknown_cadence_label_starts_no_subscription() -> None:
    # Given / When / Then
    assert PLAN.cadence_for([(9, "Every full moon")]) is None


def test_a_default_that_is_not_a_cadence_is_refused() -> None:
    # Given / When / Then
    with pytest.raises(ValueError, match="default_cadence"):
        Plan(product_id=1, cadences=[MONTHLY], default_cadence="Yearly")


def test_a_plan_needs_at_least_one_cadence() -> None:
    # Given / When / Then
    with pytest.raises(ValueError):
        Plan(product_id=1, cadences=[])


def test_plan_terms_are_validated_and_locked_apart_from_the_product() -> None:
    plan = from_data(
        Plan,
        {
            "product_id": 7,
            "cadences": [{"label": "Monthly", "interval": "month", "discount_percent": "10"}],
            "billing_period_count": 3,
            "commitment_count": 6,
            "tiers": [{"min_quantity": 2, "discount_percent": 5}],
        },
    )
    terms = plan.terms()
    assert (terms.billing_period_count, terms.commitment_count, terms.max_cycles) == (3, 6, None)
    assert terms.price_source == "locked" and terms.tiers[0].min_quantity == 2
    assert hash(terms) == hash(plan.terms())  # terms key the grouping of order lines


@pytest.mark.parametrize(
    "bad",
    [
        {"billing_period_count": 0},
        {
            "tiers": [
                {"min_quantity": 5, "discount_percent": 5},
                {"min_quantity": 2, "discount_percent": 9},
            ]
        },
        {"tiers": [{"min_quantity": 2, "discount_percent": 101}]},
        {"price_source": "whatever"},
        {"price_source": "catalog"},  # not supported: refused, never silently locked
    ],
)
def test_invalid_plan_terms_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        from_data(Plan, {"product_id": 7, "cadences": [{"label": "M", "interval": "month"}], **bad})


RETIRED_WEEKLY = msgspec.structs.replace(WEEKLY, retired=True)


def test_a_retired_cadence_is_not_offered_but_an_order_placed_with_it_still_finds_it() -> None:
    # Given a plan whose fortnightly cadence was dropped
    plan = Plan(product_id=1, cadences=[MONTHLY, RETIRED_WEEKLY], cadence_option_id=9)
    # When / Then nobody new may pick it, but an order that named it still subscribes
    assert plan.offered() == [MONTHLY]
    assert plan.cadence_for([(9, "Every 2 weeks")]) == RETIRED_WEEKLY


def test_a_line_without_the_modifier_never_gets_a_retired_cadence() -> None:
    # Given / When / Then
    plan = Plan(product_id=1, cadences=[RETIRED_WEEKLY, MONTHLY], cadence_option_id=9)
    assert plan.cadence_for([(4, "Red")]) == MONTHLY


@pytest.mark.parametrize(
    ("cadences", "default", "reason"),
    [
        ([RETIRED_WEEKLY], None, "not be retired"),
        ([MONTHLY, RETIRED_WEEKLY], "Every 2 weeks", "is retired"),
        ([MONTHLY, msgspec.structs.replace(MONTHLY, label="MONTHLY")], None, "distinct"),
    ],
)
def test_a_plan_with_nothing_on_sale_a_retired_default_or_twin_labels_is_refused(
    cadences: list[Cadence], default: str | None, reason: str
) -> None:
    # Given / When / Then
    with pytest.raises(ValueError, match=reason):
        Plan(product_id=1, cadences=cadences, default_cadence=default)


def test_republishing_without_a_cadence_keeps_it_retired_and_a_new_one_is_offered() -> None:
    # Given the plan on sale, and the merchant's new one: weekly dropped, yearly added
    yearly = Cadence(label="Yearly", interval=Interval.YEAR)
    new = Plan(product_id=1, cadences=[MONTHLY, yearly])
    # When
    merged = new.keeping_retired(PLAN)
    # Then
    assert merged.cadences == [MONTHLY, yearly, RETIRED_WEEKLY]
    assert merged.offered() == [MONTHLY, yearly]


def test_a_retired_cadence_listed_again_is_on_sale_again() -> None:
    # Given / When
    merged = Plan(product_id=1, cadences=[WEEKLY]).keeping_retired(
        Plan(product_id=1, cadences=[MONTHLY, RETIRED_WEEKLY])
    )
    # Then
    assert merged.cadences == [WEEKLY, msgspec.structs.replace(MONTHLY, retired=True)]
