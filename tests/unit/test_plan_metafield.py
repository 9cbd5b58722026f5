"""The plan metafield: JSON into a validated Plan, or a message naming what is wrong."""

import json

import pytest

from bc_subscriptions.domain.plan_metafield import InvalidPlan, parse_plan
from bc_subscriptions.domain.schedule import Interval


def test_a_plan_takes_its_product_id_from_the_metafield_resource() -> None:
    # Given a plan JSON that even claims another product
    value = json.dumps(
        {"product_id": 999, "cadences": [{"label": "Weekly", "interval": "week"}], "trial_days": 7}
    )
    # When
    plan = parse_plan(111, value)
    # Then
    assert plan.product_id == 111 and plan.trial_days == 7
    assert plan.cadences[0].interval is Interval.WEEK


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("{monthly", "not JSON"),
        ("[1, 2]", "JSON object"),
        ('{"cadences": []}', "cadences"),
        ('{"cadences": [{"label": "x", "interval": "fortnight"}]}', "cadences.0.interval"),
        (
            '{"cadences": [{"label": "A", "interval": "day"}], "default_cadence": "B"}',
            "default_cadence",
        ),
    ],
)
def test_an_invalid_plan_says_where_it_is_wrong(value: str, fragment: str) -> None:
    # Given / When / Then
    with pytest.raises(InvalidPlan, match=fragment):
        parse_plan(111, value)
