"""A plan's document names the allotments it grants; one that does not agree with itself is
refused where it is wrong, and a plan without any reads as before."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bc_subscriptions.domain.allotments import AllotmentUnit, OrderDebit, Rollover
from bc_subscriptions.domain.plan_metafield import InvalidPlan, parse_plan
from bc_subscriptions.services.plan_allotments import plan_grant_id

CADENCES = [{"label": "Monthly", "interval": "month"}]


def test_a_plan_names_the_allotments_each_subscriber_is_granted() -> None:
    # Given
    document = {
        "cadences": CADENCES,
        "allotments": [
            {
                "unit": "currency",
                "currency_code": "USD",
                "amount_per_period": "15.00",
                "cadence": {"interval": "month"},
                "rollover": "accumulate",
                "order_debit": "order_total",
            },
            {"unit": "duration_minutes", "amount_per_period": "90"},
        ],
    }
    # When
    plan = parse_plan(5, json.dumps(document))
    # Then
    wallet, minutes = plan.allotments
    assert (wallet.unit, wallet.amount_per_period, wallet.rollover) == (
        AllotmentUnit.CURRENCY,
        Decimal("15.00"),
        Rollover.ACCUMULATE,
    )
    assert wallet.order_debit is OrderDebit.ORDER_TOTAL
    assert (minutes.unit, minutes.cadence) == (AllotmentUnit.DURATION_MINUTES, None)


def test_a_plan_without_allotments_grants_none() -> None:
    # Given / When / Then
    assert parse_plan(5, json.dumps({"cadences": CADENCES})).allotments == ()


def test_an_allotment_that_does_not_fit_its_unit_is_refused_where_it_is_wrong() -> None:
    # Given a count allotment that debits by order total
    document = {
        "cadences": CADENCES,
        "allotments": [{"unit": "count", "amount_per_period": "3", "order_debit": "order_total"}],
    }
    # When / Then
    with pytest.raises(InvalidPlan) as refused:
        parse_plan(5, json.dumps(document))
    [(where, why)] = refused.value.fields
    assert where[:2] == ("allotments", 0) and "order_debit" in why


def test_a_plans_grant_ids_name_the_subscription_product_and_place() -> None:
    # Given / When / Then: the same inputs always give the same id (granted once)
    assert plan_grant_id("sub_1", 111, 0) == plan_grant_id("sub_1", 111, 0) == "alg_sub_1_111_0"
    assert plan_grant_id("sub_1", 111, 1) != plan_grant_id("sub_1", 111, 0)
