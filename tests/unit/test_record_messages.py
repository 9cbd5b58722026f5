"""A refused value's reason reads as words beside a form's field, not as msgspec's notation."""

from __future__ import annotations

from typing import Annotated

import msgspec
import pytest

from bc_subscriptions.domain.record import (
    FieldError,
    FrozenRecord,
    field_problems,
    plain,
    problem_at,
    within,
)


class _Sample(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    days: Annotated[int, msgspec.Meta(ge=15, le=90)]
    label: Annotated[str, msgspec.Meta(max_length=3)] = "a"
    tags: Annotated[list[str], msgspec.Meta(min_length=1)] = msgspec.field(
        default_factory=lambda: ["t"]
    )


@pytest.mark.parametrize(
    ("data", "where", "why"),
    [
        ({"days": 3}, ("days",), "must be greater than or equal to 15"),
        ({"days": 91}, ("days",), "must be less than or equal to 90"),
        ({"days": "soon"}, ("days",), "must be a whole number, not text"),
        ({"days": 20, "label": "abcd"}, ("label",), "must have at most 3 characters"),
        ({"days": 20, "tags": []}, ("tags",), "must have at least 1 item"),
        ({}, ("days",), "is required"),
        ({"days": 20, "colour": "red"}, ("colour",), "is not a field of this record"),
    ],
)
def test_a_refusal_names_the_field_and_says_why_in_words(
    data: dict[str, object], where: tuple[str, ...], why: str
) -> None:
    with pytest.raises(msgspec.ValidationError) as refused:
        msgspec.convert(data, type=_Sample)
    assert problem_at(refused.value) == (where, why)


def test_a_reason_it_has_no_words_for_is_kept_as_it_is() -> None:
    assert plain("Invalid RFC3339 encoded datetime") == "Invalid RFC3339 encoded datetime"
    assert plain("Expected `int | null`, got `str`") == "must be a whole number or empty, not text"


def test_a_bound_crossed_is_the_one_named() -> None:
    with pytest.raises(FieldError, match="trial_days: must be less than or equal to 365"):
        within("trial_days", 400, 0, 365)
    with pytest.raises(FieldError, match="trial_days: must be greater than or equal to 0"):
        within("trial_days", -1, 0, 365)
    within("trial_days", 365, 0, 365)


class _Terms(FrozenRecord, frozen=True, kw_only=True):
    name: str
    trial_days: int = 0
    grace_days: int = 0

    def __post_init__(self) -> None:
        within("trial_days", self.trial_days, 0, 365)
        within("grace_days", self.grace_days, 0, 30)


def test_every_broken_rule_is_found_not_only_the_first() -> None:
    # Given a record whose rules two fields break, and a field of the wrong type
    data = {"name": "ok", "trial_days": 400, "grace_days": -1, "other": 1}
    # When its problems are listed
    problems = field_problems(_Terms, data)
    # Then each field has its own reason
    assert problems == [
        (("trial_days",), "must be less than or equal to 365"),
        (("grace_days",), "must be greater than or equal to 0"),
    ]
    assert field_problems(_Terms, {"name": "ok", "trial_days": 3}) == []


def test_a_required_field_of_the_wrong_type_is_named_before_any_rule() -> None:
    # The rules need every required field; until it reads, only its own problem is known.
    problems = field_problems(_Terms, {"name": 7, "trial_days": 400})
    assert problems == [(("name",), "must be text, not a whole number")]
