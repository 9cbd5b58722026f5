"""Custom field definitions and the validation of values against them."""

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bc_subscriptions.domain.custom_fields import (
    CustomFieldDefinition,
    FieldType,
    InvalidCustomFields,
    Scope,
    validated_allotment_grant_custom_fields,
    validated_custom_fields,
    visible_custom_fields,
)
from bc_subscriptions.domain.record import from_data


def field(key: str, type_: str = "text", **extra: Any) -> CustomFieldDefinition:
    scope = extra.pop("scope", "subscription")
    return from_data(
        CustomFieldDefinition,
        {"key": key, "scope": scope, "type": type_, "label": key.title(), **extra},
    )


PO = field("po_number", pattern=r"PO-\d{5}", required=True)
TIER = field("sla_tier", "enum", choices=["gold", "silver"], default="silver")
NOTE = field("gift_note", visible_to_subscriber=True, editable_by_subscriber=True)
SEEN = field("account_manager", visible_to_subscriber=True)
OLD = field("legacy_code", archived=True, required=True)
PLAN_ONLY = field("colour", scope="plan")
FIELDS = [PO, TIER, NOTE, SEEN, OLD, PLAN_ONLY]


def codes(failure: pytest.ExceptionInfo[InvalidCustomFields]) -> list[tuple[str, str]]:
    return [(e.key, e.code) for e in failure.value.errors]


def test_valid_values_are_kept_and_defaults_fill_the_fields_left_empty() -> None:
    # Given a subscription without values
    # When the merchant sets the PO number
    values = validated_custom_fields(FIELDS, Scope.SUBSCRIPTION, {}, {"po_number": "PO-12345"})
    # Then it is kept and the tier takes its default
    assert values == {"po_number": "PO-12345", "sla_tier": "silver"}


def test_every_error_is_listed_at_once_and_nothing_is_returned() -> None:
    # Given values breaking several rules at once
    changes = {
        "po_number": "12345",
        "sla_tier": "bronze",
        "nickname": "x",
        "legacy_code": "L1",
        "colour": "red",
    }
    # When they are validated
    with pytest.raises(InvalidCustomFields) as failure:
        validated_custom_fields(FIELDS, Scope.SUBSCRIPTION, {}, changes)
    # Then each one is named with its rule (another scope's field is unknown here)
    assert codes(failure) == [
        ("colour", "unknown_field"),
        ("legacy_code", "archived"),
        ("nickname", "unknown_field"),
        ("po_number", "pattern_mismatch"),
        ("sla_tier", "not_a_choice"),
    ]


def test_a_required_field_left_empty_is_refused() -> None:
    # Given / When a write that leaves the PO number empty
    with pytest.raises(InvalidCustomFields) as failure:
        validated_custom_fields(FIELDS, Scope.SUBSCRIPTION, {}, {"gift_note": "hi"})
    # Then it is required
    assert codes(failure) == [("po_number", "required")]


def test_clearing_a_value_with_null_removes_it_unless_required() -> None:
    # Given a record with a PO number and a note
    current = {"po_number": "PO-12345", "gift_note": "hi", "sla_tier": "gold"}
    # When the note is cleared
    values = validated_custom_fields(FIELDS, Scope.SUBSCRIPTION, current, {"gift_note": None})
    # Then it is gone; clearing the PO number is refused
    assert values == {"po_number": "PO-12345", "sla_tier": "gold"}
    with pytest.raises(InvalidCustomFields) as failure:
        validated_custom_fields(FIELDS, Scope.SUBSCRIPTION, current, {"po_number": None})
    assert codes(failure) == [("po_number", "required")]


def test_an_archived_value_is_kept_and_never_required() -> None:
    # Given a record holding a value of the field archived since
    current = {"po_number": "PO-12345", "legacy_code": "L1"}
    # When another field changes, or the form sends the archived value back unchanged
    values = validated_custom_fields(
        FIELDS, Scope.SUBSCRIPTION, current, {"sla_tier": "gold", "legacy_code": "L1"}
    )
    # Then the archived value stays as it was
    assert values["legacy_code"] == "L1"
    # And a record without it is not asked for it
    assert "legacy_code" not in validated_custom_fields(
        FIELDS, Scope.SUBSCRIPTION, {"po_number": "PO-12345"}, {}
    )


def test_a_subscriber_writes_only_fields_editable_by_them() -> None:
    # Given a record the merchant filled
    current = {"po_number": "PO-12345", "sla_tier": "gold"}
    # When the subscriber changes their note and the account manager
    with pytest.raises(InvalidCustomFields) as failure:
        validated_custom_fields(
            FIELDS,
            Scope.SUBSCRIPTION,
            current,
            {"gift_note": "hello", "account_manager": "me", "sla_tier": "silver"},
            by_subscriber=True,
        )
    # Then the fields only the merchant changes are refused, each named
    assert codes(failure) == [("account_manager", "not_editable"), ("sla_tier", "not_editable")]


def test_a_subscriber_is_not_held_to_required_fields_they_cannot_edit() -> None:
    # Given a record missing the merchant's required PO number
    # When the subscriber writes their note
    values = validated_custom_fields(
        FIELDS, Scope.SUBSCRIPTION, {}, {"gift_note": "hello"}, by_subscriber=True
    )
    # Then their change is taken
    assert values["gift_note"] == "hello"


def test_the_subscriber_is_shown_only_visible_fields() -> None:
    # Given / When / Then
    values = {"po_number": "PO-1", "gift_note": "hi", "account_manager": "Ann"}
    shown = visible_custom_fields(FIELDS, Scope.SUBSCRIPTION, values)
    assert shown == {"gift_note": "hi", "account_manager": "Ann"}


@pytest.mark.parametrize(
    ("type_", "extra", "good", "bad", "code"),
    [
        ("text", {"max_length": 3}, "abc", "abcd", "too_long"),
        ("text", {}, "x", 5, "invalid_type"),
        ("number", {}, 2.5, "2.5", "invalid_type"),
        ("number", {}, -3, True, "invalid_type"),
        ("boolean", {}, False, "false", "invalid_type"),
        ("date", {}, "2026-02-28", "2026-02-30", "invalid_date"),
        ("date", {}, "2026-02-28", "20260228", "invalid_date"),
        ("enum", {"choices": ["a", "b"]}, "b", "c", "not_a_choice"),
        ("json", {}, {"a": [1, None]}, {"a": "x" * 5000}, "too_large"),
    ],
)
def test_each_type_accepts_its_values_and_refuses_others(
    type_: str, extra: dict[str, Any], good: Any, bad: Any, code: str
) -> None:
    # Given a field of the type
    definition = field("f", type_, **extra)
    # When / Then
    assert validated_custom_fields([definition], Scope.SUBSCRIPTION, {}, {"f": good}) == {"f": good}
    with pytest.raises(InvalidCustomFields) as failure:
        validated_custom_fields([definition], Scope.SUBSCRIPTION, {}, {"f": bad})
    assert codes(failure) == [("f", code)]


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)+$", r"(a|a)*b", r"(a?a?)+", r"\d*\d*\d*x", r"(?=a)a", r"(a)\1", r"(", "a" * 201],
)
def test_a_pattern_that_could_stall_a_match_or_does_not_compile_is_refused(pattern: str) -> None:
    # Given / When / Then
    with pytest.raises(ValueError, match="pattern"):
        field("f", pattern=pattern)


def test_a_patterns_cost_depends_on_the_longest_value_it_must_match() -> None:
    # Given two unbounded repeats: fine for short values, refused for long ones
    assert field("f", pattern=r"[a-z]+-[0-9]+", max_length=100).pattern
    with pytest.raises(ValueError, match="pattern"):
        field("f", pattern=r"[a-z]+-[a-z]+-[0-9]+", max_length=1000)


@pytest.mark.parametrize(
    "extra",
    [
        {"type": "number", "pattern": "x"},
        {"type": "enum"},
        {"type": "text", "choices": ["a"]},
        {"type": "enum", "choices": ["a", "a"]},
        {"editable_by_subscriber": True},
        {"default": 3},
        {"pattern": r"PO-\d+", "default": "SO-1"},
        {"key": "Bad Key"},
        {"scope": "order"},
    ],
)
def test_an_inconsistent_definition_is_refused(extra: dict[str, Any]) -> None:
    # Given / When / Then
    raw = {"key": "f", "scope": "subscription", "type": "text", "label": "F", **extra}
    with pytest.raises(ValueError):
        from_data(CustomFieldDefinition, raw)


def test_allotment_grant_values_are_validated_against_their_own_scope() -> None:
    # Given a field defined for allotment grants and one for subscriptions
    grant = field("cost_centre", scope="allotment_grant", pattern=r"CC-\d{3}", required=True)
    # When a grant's values are merged
    values = validated_allotment_grant_custom_fields([grant, PO], {}, {"cost_centre": "CC-001"})
    # Then only the grant's definitions apply (the subscription's required PO does not)
    assert values == {"cost_centre": "CC-001"}
    with pytest.raises(InvalidCustomFields) as failure:
        validated_allotment_grant_custom_fields([grant, PO], {}, {"po_number": "PO-12345"})
    assert codes(failure) == [("cost_centre", "required"), ("po_number", "unknown_field")]


# -- properties --------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
any_value = json_values | st.floats(allow_nan=True, allow_infinity=True)
ALL_TYPES = [
    field("t", max_length=10, pattern=r"[a-z]{1,10}"),
    field("n", "number"),
    field("b", "boolean"),
    field("d", "date"),
    field("e", "enum", choices=["x", "y"]),
    field("j", "json"),
]


# The machine's speed is not what these check.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["t", "n", "b", "d", "e", "j", "zz"]), any_value))
def test_validation_either_keeps_every_change_or_names_every_refused_key(
    changes: dict[str, Any],
) -> None:
    # Given any changes to a record of every type
    # When they are validated
    try:
        values = validated_custom_fields(ALL_TYPES, Scope.SUBSCRIPTION, {}, changes)
    except InvalidCustomFields as failure:
        # Then a refusal names only keys that were given, each refused value failing its type
        refused = {e.key for e in failure.errors}
        assert refused <= set(changes)
        by_key = {d.key: d for d in ALL_TYPES}
        for key in set(changes) - refused:
            value = changes[key]
            assert value is None or by_key[key].problem(value) is None
        return
    # Then an acceptance keeps every non-null change as given, and each meets its definition
    assert values == {k: v for k, v in changes.items() if v is not None}
    for key, value in values.items():
        assert next(d for d in ALL_TYPES if d.key == key).problem(value) is None


# The machine's speed is not what these check.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=30))
def test_a_text_value_is_accepted_exactly_when_its_pattern_matches_it_whole(value: str) -> None:
    # Given a text field with a pattern
    definition = field("t", max_length=30, pattern=r"[A-Z]{2}-\d{1,5}")
    # When / Then
    expected = re.fullmatch(r"[A-Z]{2}-\d{1,5}", value) is not None
    assert (definition.problem(value) is None) == expected


# The machine's speed is not what these check.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="a(|)+*?{}1,\\d", max_size=12))
def test_any_accepted_pattern_compiles_and_holds_no_nested_repeat(pattern: str) -> None:
    # Given any short pattern of regex metacharacters
    try:
        definition = field("t", pattern=pattern, max_length=50)
    except ValueError:
        return
    # Then one accepted compiles and matches a long hostile value at once (no exponential case)
    assert definition.pattern is not None
    re.compile(definition.pattern)
    assert definition.type == FieldType.TEXT
    definition.problem("a" * 50 + "!")
