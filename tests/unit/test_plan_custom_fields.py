"""A plan document's custom field values: the document replaces the plan's values."""

from typing import Any

import pytest

from bc_subscriptions.domain.custom_fields import CustomFieldDefinition, InvalidCustomFields
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.record import from_data
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.services.custom_fields import plan_with_custom_fields


def field(key: str, **extra: Any) -> CustomFieldDefinition:
    return from_data(
        CustomFieldDefinition, {"key": key, "scope": "plan", "type": "text", "label": key, **extra}
    )


def plan(**values: Any) -> Plan:
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    return Plan(product_id=1, cadences=[monthly], custom_fields=values)


FIELDS = [field("colour"), field("material", default="oak"), field("old_code", archived=True)]


def test_a_key_the_document_leaves_out_is_cleared_but_an_archived_value_is_kept() -> None:
    # Given a plan holding a colour and an archived code
    previous = plan(colour="red", material="ash", old_code="X1")
    # When a document without them is saved
    saved = plan_with_custom_fields(plan(material="ash"), previous, FIELDS)
    # Then the colour is gone, the archived code stays
    assert saved.custom_fields == {"material": "ash", "old_code": "X1"}


def test_a_first_plan_gets_the_defaults_and_refuses_unknown_keys() -> None:
    # Given / When / Then
    assert plan_with_custom_fields(plan(), None, FIELDS).custom_fields == {"material": "oak"}
    with pytest.raises(InvalidCustomFields) as failure:
        plan_with_custom_fields(plan(size="L", old_code="X2"), None, FIELDS)
    assert [(e.key, e.code) for e in failure.value.errors] == [
        ("old_code", "archived"),
        ("size", "unknown_field"),
    ]
