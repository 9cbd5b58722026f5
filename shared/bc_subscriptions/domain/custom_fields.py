"""Custom fields: typed, merchant-defined data on subscriptions, plans and allotment grants.

A store defines each field once (`CustomFieldDefinition`, keyed by `key` within the store) for
one scope; the values live under `custom_fields` on the owning record. Every write of values
goes through `validated_custom_fields`, which lists every error at once. Forward-only: a
definition is archived, never deleted; an archived field takes no new values but the values
records hold are kept (and no longer required). A rule tightened later (a pattern, a shorter
`max_length`, a choice removed) applies to the next write of that field: stored values are
never rewritten or re-checked behind the merchant's back.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

import msgspec

from .custom_field_patterns import UnsafePattern, checked_pattern
from .errors import DomainError
from .record import FieldError as RuleBroken
from .record import FrozenRecord

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
MAX_TEXT_LENGTH = 1000
DEFAULT_TEXT_LENGTH = 255
MAX_JSON_BYTES = 4096
MAX_CHOICES = 100
MAX_DEFINITIONS = 100  # per store: bounds what every write validates against
# All of a record's values as JSON: well inside a DynamoDB item beside the rest of the record.
MAX_VALUES_BYTES = 16384
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEY = re.compile(KEY_PATTERN)


class Scope(StrEnum):
    SUBSCRIPTION = "subscription"
    PLAN = "plan"
    ALLOTMENT_GRANT = "allotment_grant"


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    ENUM = "enum"
    JSON = "json"


class FieldError(msgspec.Struct, frozen=True):
    """One value refused: the field's key, a machine-readable code, and why."""

    key: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "code": self.code, "message": self.message}


class InvalidCustomFields(DomainError):
    """Values that do not meet their definitions; `errors` lists every one."""

    code = "invalid_custom_fields"

    def __init__(self, errors: Iterable[FieldError]):
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.key}: {e.message}" for e in self.errors))


class CustomFieldDefinition(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What one field accepts, where it lives, and what a subscriber may see and change."""

    key: str
    scope: Scope
    type: FieldType
    label: str
    description: str = ""
    required: bool = False
    default: Any = None
    # Text only: the whole value must match (fullmatch), within `max_length` characters.
    pattern: str | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()  # enum only
    visible_to_subscriber: bool = False
    editable_by_subscriber: bool = False
    archived: bool = False

    def __post_init__(self) -> None:
        self._fields_in_bounds()
        text = self.type == FieldType.TEXT
        if not text and (self.pattern is not None or self.max_length is not None):
            raise ValueError("pattern and max_length apply to text fields only")
        if (self.type == FieldType.ENUM) != bool(self.choices):
            raise ValueError("an enum field lists its choices, and only an enum field does")
        if len(set(self.choices)) != len(self.choices) or any(
            not 1 <= len(choice) <= 100 for choice in self.choices
        ):
            raise ValueError("choices are distinct, of 1 to 100 characters each")
        if self.editable_by_subscriber and not self.visible_to_subscriber:
            raise ValueError("a field the subscriber may edit must be visible to them")
        if self.pattern is not None:
            try:
                checked_pattern(self.pattern, self.text_length())
            except UnsafePattern as exc:
                raise ValueError(f"pattern: {exc}") from exc
        if self.default is not None and (problem := self.problem(self.default)) is not None:
            raise ValueError(f"default: {problem[1]}")

    def _fields_in_bounds(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise RuleBroken("key", f"must match {KEY_PATTERN}")
        if not 1 <= len(self.label) <= 100:
            raise RuleBroken("label", "must be 1 to 100 characters")
        if len(self.description) > 500:
            raise RuleBroken("description", "must be at most 500 characters")
        if self.pattern is not None and len(self.pattern) > 200:
            raise RuleBroken("pattern", "must be at most 200 characters")
        if self.max_length is not None and not 1 <= self.max_length <= MAX_TEXT_LENGTH:
            raise RuleBroken("max_length", f"must be from 1 to {MAX_TEXT_LENGTH}")
        if len(self.choices) > MAX_CHOICES:
            raise RuleBroken("choices", f"at most {MAX_CHOICES}")
        for name in ("required", "visible_to_subscriber", "editable_by_subscriber", "archived"):
            if not isinstance(getattr(self, name), bool):
                raise RuleBroken(name, "must be true or false")

    def text_length(self) -> int:
        return self.max_length or DEFAULT_TEXT_LENGTH

    def problem(self, value: Any) -> tuple[str, str] | None:
        """(code, message) when `value` is not one this field accepts; None when it is."""
        return _CHECKS[self.type](self, value)


@lru_cache(maxsize=256)
def _compiled(pattern: str, max_length: int) -> re.Pattern[str]:
    return checked_pattern(pattern, max_length)


def _text(d: CustomFieldDefinition, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str):
        return "invalid_type", "must be text"
    if len(value) > d.text_length():
        return "too_long", f"at most {d.text_length()} characters"
    if d.pattern is not None and _compiled(d.pattern, d.text_length()).fullmatch(value) is None:
        return "pattern_mismatch", f"must match {d.pattern}"
    return None


def _number(_: CustomFieldDefinition, value: Any) -> tuple[str, str] | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "invalid_type", "must be a number"
    if isinstance(value, float) and not math.isfinite(value):
        return "invalid_type", "must be a finite number"
    if isinstance(value, int) and abs(value) >= 10**18:
        return "invalid_type", "must be less than 10^18 in size"
    return None


def _boolean(_: CustomFieldDefinition, value: Any) -> tuple[str, str] | None:
    return None if isinstance(value, bool) else ("invalid_type", "must be true or false")


def _date(_: CustomFieldDefinition, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str) or _ISO_DATE.fullmatch(value) is None:
        return "invalid_date", "must be a date as YYYY-MM-DD"
    try:
        date.fromisoformat(value)
    except ValueError:
        return "invalid_date", "must be a date as YYYY-MM-DD"
    return None


def _enum(d: CustomFieldDefinition, value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str) or value not in d.choices:
        return "not_a_choice", f"must be one of {list(d.choices)}"
    return None


def _json(_: CustomFieldDefinition, value: Any) -> tuple[str, str] | None:
    try:
        size = len(json.dumps(value, allow_nan=False, separators=(",", ":")).encode())
    except (TypeError, ValueError, RecursionError):
        return "invalid_type", "must be JSON"
    if size > MAX_JSON_BYTES:
        return "too_large", f"at most {MAX_JSON_BYTES} bytes as JSON"
    return None


_CHECKS = {
    FieldType.TEXT: _text,
    FieldType.NUMBER: _number,
    FieldType.BOOLEAN: _boolean,
    FieldType.DATE: _date,
    FieldType.ENUM: _enum,
    FieldType.JSON: _json,
}


def validated_custom_fields(
    definitions: Iterable[CustomFieldDefinition],
    scope: Scope,
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    by_subscriber: bool = False,
) -> dict[str, Any]:
    """The record's values after `changes` (a key set to None is cleared), with defaults for
    fields left empty; InvalidCustomFields listing every error, and nothing changed, otherwise.

    Only the store's definitions of `scope` apply; a key none defines is refused. A subscriber
    writes only fields `editable_by_subscriber`, and is not held to required fields they may
    not edit (the merchant fills those). An archived field takes no new value; the one the
    record holds is kept and never required. Values not changed (a key absent from
    `changes`, or given the value it holds) are not re-checked.
    """
    merged, errors = merged_values(
        definitions, scope, current, changes, by_subscriber=by_subscriber
    )
    if errors:
        raise InvalidCustomFields(sorted(errors, key=lambda e: (e.key, e.code)))
    return merged


def validated_allotment_grant_custom_fields(
    definitions: Iterable[CustomFieldDefinition],
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    by_subscriber: bool = False,
) -> dict[str, Any]:
    """An allotment grant's values after `changes`: what the grant's write path calls when it
    merges values into `AllotmentGrant.custom_fields` (pass the store's definitions, e.g.
    `uow.custom_fields.definitions(store_hash)`). Raises InvalidCustomFields like
    `validated_custom_fields`, whose rules it follows for the `allotment_grant` scope."""
    return validated_custom_fields(
        definitions, Scope.ALLOTMENT_GRANT, current, changes, by_subscriber=by_subscriber
    )


def merged_values(
    definitions: Iterable[CustomFieldDefinition],
    scope: Scope,
    current: Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    by_subscriber: bool,
) -> tuple[dict[str, Any], list[FieldError]]:
    """What `validated_custom_fields` decides: the values after the changes, and every error
    (the values are only meant to be kept when there is none)."""
    defined = {d.key: d for d in definitions if d.scope == scope}
    merged = dict(current)
    errors: list[FieldError] = []
    for key in sorted(changes):
        value = changes[key]
        if key in current and _same(current[key], value):
            continue  # unchanged (a form sends back what it read): kept, never re-checked
        problem = _change_problem(defined.get(key), scope, key, value, by_subscriber)
        if problem is not None:
            errors.append(FieldError(key, *problem))
        elif value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    refused = {e.key for e in errors}  # each named once, by what is wrong with its value
    for key, definition in sorted(defined.items()):
        if definition.archived or merged.get(key) is not None or key in refused:
            continue
        if definition.default is not None:
            merged[key] = definition.default
        elif definition.required and (definition.editable_by_subscriber or not by_subscriber):
            errors.append(FieldError(key, "required", "a value is required"))
    if len(json.dumps(merged, separators=(",", ":"), default=str).encode()) > MAX_VALUES_BYTES:
        message = f"all values together are at most {MAX_VALUES_BYTES} bytes as JSON"
        errors.append(FieldError("custom_fields", "too_large", message))
    return merged, errors


def _change_problem(
    definition: CustomFieldDefinition | None,
    scope: Scope,
    key: str,
    value: Any,
    by_subscriber: bool,
) -> tuple[str, str] | None:
    if definition is None:
        return "unknown_field", f"no {scope} custom field {key!r}"
    if definition.archived:
        return "archived", "this field is archived: no new values"
    if by_subscriber and not definition.editable_by_subscriber:
        return "not_editable", "only the merchant changes this field"
    return None if value is None else definition.problem(value)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def visible_custom_fields(
    definitions: Iterable[CustomFieldDefinition], scope: Scope, values: Mapping[str, Any]
) -> dict[str, Any]:
    """What a subscriber is shown: the values of fields `visible_to_subscriber` (archived
    ones included: the data is theirs and kept), nothing else."""
    shown = {d.key for d in definitions if d.scope == scope and d.visible_to_subscriber}
    return {key: value for key, value in values.items() if key in shown}
