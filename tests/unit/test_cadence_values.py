"""The cadence modifier's values for a plan: ids are kept by label, never given up."""

from bc_subscriptions.domain.cadence_values import CadenceValue, cadence_values
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

MONTHLY = Cadence(label="Monthly", interval=Interval.MONTH)
WEEKLY = Cadence(label="Every 2 weeks", interval=Interval.WEEK, interval_count=2)
YEARLY = Cadence(label="Yearly", interval=Interval.YEAR)


def test_a_kept_label_keeps_its_id_a_new_label_asks_for_one_and_a_dropped_one_is_disabled() -> None:
    # Given the modifier's values, and a plan that drops fortnightly and adds yearly
    existing = [(31, "Every 2 weeks"), (32, "monthly")]
    plan = Plan(product_id=1, cadences=[MONTHLY, YEARLY], default_cadence="Yearly")
    # When
    values = cadence_values(existing, plan)
    # Then
    assert values == [
        CadenceValue(32, "Monthly", 0, is_default=False, purchasing_disabled=False),
        CadenceValue(None, "Yearly", 1, is_default=True, purchasing_disabled=False),
        CadenceValue(31, "Every 2 weeks", 2, is_default=False, purchasing_disabled=True),
    ]


def test_a_one_time_purchase_value_the_merchant_added_stays_on_sale() -> None:
    # Given / When
    values = cadence_values([(40, "One-time purchase")], Plan(product_id=1, cadences=[MONTHLY]))
    # Then
    assert values[1] == CadenceValue(40, "One-time purchase", 1, False, purchasing_disabled=False)


def test_a_first_publish_asks_for_every_value() -> None:
    # Given / When
    values = cadence_values([], Plan(product_id=1, cadences=[WEEKLY, MONTHLY]))
    # Then the first offered cadence is the default
    assert [(v.value_id, v.label, v.is_default) for v in values] == [
        (None, "Every 2 weeks", True),
        (None, "Monthly", False),
    ]
