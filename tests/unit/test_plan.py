"""Plans: cadence choice from order-line options, and validation."""

import pytest
from pydantic import ValidationError

from bc_subscriptions.domain.plan import Cadence, Plan
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
    with pytest.raises(ValidationError, match="default_cadence"):
        Plan(product_id=1, cadences=[MONTHLY], default_cadence="Yearly")


def test_a_plan_needs_at_least_one_cadence() -> None:
    # Given / When / Then
    with pytest.raises(ValidationError):
        Plan(product_id=1, cadences=[])


def test_plan_terms_are_validated_and_locked_apart_from_the_product() -> None:
    plan = Plan.model_validate(
        {
            "product_id": 7,
            "cadences": [{"label": "Monthly", "interval": "month", "discount_percent": "10"}],
            "billing_period_count": 3,
            "commitment_count": 6,
            "tiers": [{"min_quantity": 2, "discount_percent": 5}],
        }
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
    with pytest.raises(ValidationError):
        Plan.model_validate(
            {"product_id": 7, "cadences": [{"label": "M", "interval": "month"}], **bad}
        )
