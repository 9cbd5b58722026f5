"""Where custom field values come in: a checkout line's `cf:` options, and the amendment of a
subscription's values."""

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bc_subscriptions.domain.custom_field_entry import (
    CustomFieldsAmendment,
    checkout_custom_fields,
    option_values,
)
from bc_subscriptions.domain.custom_fields import CustomFieldDefinition
from bc_subscriptions.domain.record import from_data

from .factories import NOW, subscription


def field(key: str, type_: str, **extra: Any) -> CustomFieldDefinition:
    return from_data(
        CustomFieldDefinition,
        {"key": key, "scope": "subscription", "type": type_, "label": key, **extra},
    )


FIELDS = [
    field("po_number", "text", pattern=r"PO-\d{5}", required=True),
    field("seats", "number"),
    field("vip", "boolean"),
    field("starts", "date"),
    field("tier", "enum", choices=["gold", "silver"], default="silver"),
    field("extra", "json"),
]


def test_only_options_named_cf_are_read_and_a_key_given_two_values_is_refused() -> None:
    # Given a line's options: the cadence, two custom fields, one of them twice differently
    options = [
        ("Subscription", "Monthly"),
        ("CF:po_number", "PO-12345"),
        ("cf:seats", "3"),
        ("cf:seats", "4"),
        ("cf:po_number", "PO-12345"),
    ]
    # When / Then
    raw, errors = option_values(options)
    assert raw == {"po_number": "PO-12345"}
    assert [(e.key, e.code) for e in errors] == [("seats", "conflicting_values")]


def test_checkout_text_is_read_as_each_fields_type() -> None:
    # Given what a storefront's modifiers carry
    raw = {
        "po_number": "PO-12345",
        "seats": " 12 ",
        "vip": "Yes",
        "starts": "2026-05-01",
        "tier": "gold",
        "extra": '{"a": [1, 2]}',
    }
    # When / Then
    values, errors = checkout_custom_fields(FIELDS, raw)
    assert errors == []
    assert values == {
        "po_number": "PO-12345",
        "seats": 12,
        "vip": True,
        "starts": "2026-05-01",
        "tier": "gold",
        "extra": {"a": [1, 2]},
    }


def test_a_checkout_keeps_what_is_valid_and_reports_the_rest() -> None:
    # Given values some of which fail their definitions
    raw = {"po_number": "12345", "seats": "many", "vip": "no", "nickname": "Al", "tier": "x"}
    # When / Then the valid one and the defaults are kept; every other is named
    values, errors = checkout_custom_fields(FIELDS, raw)
    assert values == {"vip": False, "tier": "silver"}
    assert [(e.key, e.code) for e in errors] == [
        ("nickname", "unknown_field"),
        ("po_number", "pattern_mismatch"),
        ("seats", "invalid_type"),
        ("tier", "not_a_choice"),
    ]


def test_an_amendment_replaces_the_values_and_names_the_keys_that_changed() -> None:
    # Given a subscription with values
    sub = subscription(custom_fields={"po_number": "PO-12345", "tier": "gold"})
    sub.pull_events()
    # When its values change
    sub.amend(CustomFieldsAmendment({"po_number": "PO-12345", "seats": 3}), NOW)
    # Then they are the new ones, and the event names the keys, never the values
    assert sub.custom_fields == {"po_number": "PO-12345", "seats": 3}
    [event] = sub.pull_events()
    assert event.type == "subscription.updated"
    assert event.data["changes"] == {"custom_fields": ["seats", "tier"]}


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from([d.key for d in FIELDS] + ["zz"]), st.text(max_size=12)))
def test_a_checkout_never_keeps_a_value_its_definition_refuses(raw: dict[str, str]) -> None:
    # Given any option text for any field
    # When it is captured
    values, errors = checkout_custom_fields(FIELDS, raw)
    # Then every kept value meets its definition, and every key given is kept or reported
    by_key = {d.key: d for d in FIELDS}
    assert all(k in by_key and by_key[k].problem(v) is None for k, v in values.items())
    reported = {e.key for e in errors}
    assert set(raw) <= set(values) | reported
