"""Where custom field values come in: an amendment of a subscription's values (admin and
portal), and the values a checkout order's lines carry.

A checkout carries a value as a product option (a modifier) whose merchant-facing name is
`cf:` followed by the field's key (e.g. `cf:po_number`, shown to shoppers as "PO number").
Its value is the option's display value, read as the field's type: text as given, a number
in decimal notation, a boolean as yes/no, true/false, on/off or 1/0, a date as YYYY-MM-DD,
an enum as one of its choices, json as a JSON document.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import msgspec

from .custom_fields import (
    CustomFieldDefinition,
    FieldError,
    FieldType,
    Scope,
    merged_values,
)

if TYPE_CHECKING:
    from .subscription import Subscription

OPTION_PREFIX = "cf:"
_TRUE = frozenset({"yes", "true", "on", "1"})
_FALSE = frozenset({"no", "false", "off", "0"})


class CustomFieldsAmendment(msgspec.Struct, frozen=True):
    """The subscription's values become `values` (already validated against the store's
    definitions). The event names the fields that changed, not their values: a subscriber
    reads their subscription's events, and some fields are not theirs to see."""

    values: Mapping[str, Any] = msgspec.field(default_factory=dict)

    def check(self, sub: Subscription) -> None:
        return None

    def apply(self, sub: Subscription) -> dict[str, Any]:
        before, sub.custom_fields = sub.custom_fields, dict(self.values)
        keys = set(before) | set(sub.custom_fields)
        changed = [k for k in keys if before.get(k) != sub.custom_fields.get(k)]
        return {"custom_fields": sorted(changed)}


def option_values(options: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[FieldError]]:
    """The raw values named by `cf:` options among (merchant name, display value) pairs of
    one subscription's lines; one key given two different values is refused."""
    found: dict[str, str] = {}
    errors: list[FieldError] = []
    conflicting: set[str] = set()
    for name, value in options:
        if not name.strip().casefold().startswith(OPTION_PREFIX):
            continue
        key = name.strip()[len(OPTION_PREFIX) :].strip()
        if key in found and found[key] != value:
            conflicting.add(key)
        found.setdefault(key, value)
    for key in sorted(conflicting):
        del found[key]
        errors.append(FieldError(key, "conflicting_values", "the order's lines disagree"))
    return found, errors


def checkout_custom_fields(
    definitions: Iterable[CustomFieldDefinition], raw: Mapping[str, str]
) -> tuple[dict[str, Any], list[FieldError]]:
    """A new subscription's values from a checkout's raw option values, and every error.

    The subscription is never lost over a value: what fails is left out (its default applies
    where there is one) and reported, and a required field left empty is reported too; the
    merchant fills it in through the admin API.
    """
    subscription_fields = [d for d in definitions if d.scope == Scope.SUBSCRIPTION]
    by_key = {d.key: d for d in subscription_fields}
    typed: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, text in raw.items():
        definition = by_key.get(key)
        if definition is None:
            typed[key] = text  # refused as unknown below
        elif (value := _read(definition.type, text)) is None:
            errors.append(FieldError(key, "invalid_type", f"cannot be read as {definition.type}"))
        else:
            typed[key] = value
    _, refused = merged_values(
        subscription_fields, Scope.SUBSCRIPTION, {}, typed, by_subscriber=False
    )
    bad = {e.key for e in refused}
    kept = {k: v for k, v in typed.items() if k not in bad}
    merged, _ = merged_values(
        subscription_fields, Scope.SUBSCRIPTION, {}, kept, by_subscriber=False
    )
    return merged, sorted([*errors, *refused], key=lambda e: (e.key, e.code))


def _read(kind: FieldType, text: str) -> Any:
    """The option's text as a value of `kind`, or None when it cannot be one."""
    stripped = text.strip()
    if kind == FieldType.NUMBER:
        try:
            number = Decimal(stripped)
        except InvalidOperation:
            return None
        if not number.is_finite():
            return None
        as_float = float(number)
        if number == number.to_integral_value() and abs(number) < 10**18:
            return int(number)
        return as_float if math.isfinite(as_float) else None
    if kind == FieldType.BOOLEAN:
        word = stripped.casefold()
        return True if word in _TRUE else False if word in _FALSE else None
    if kind == FieldType.JSON:
        try:
            return json.loads(stripped)
        except (ValueError, RecursionError):
            return None
    if kind in (FieldType.DATE, FieldType.ENUM):
        return stripped
    return text
