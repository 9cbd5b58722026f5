"""The base of the domain's records: msgspec structs, and how they are read and written.

msgspec rather than pydantic: the workers load the domain at cold start, and pydantic's import
and model building cost more than the rest of the domain together. msgspec checks types only
when it decodes or converts, never when code builds a record, so a rule that must hold for
records built in code as well sits in the record's `__post_init__` (which runs in both cases).

The stored JSON is the one the pydantic models wrote: field names in declaration order,
decimals as strings, UTC times with `Z`, enums by value, unset optional fields as null.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Self, TypeVar, get_type_hints

import msgspec

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic_core import CoreSchema

R = TypeVar("R")

# What `to_data` leaves as Python objects: the values a record's fields hold, not their JSON.
_PYTHON_VALUES = (Decimal, datetime, date, time)


class FieldError(ValueError):
    """A record's rule broken by one field (`field`, dotted below the record)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class _PydanticField:
    """The API's pydantic models may name a record as a field's type: it is then validated and
    serialized through msgspec, and pydantic is imported only by them."""

    __slots__ = ()

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        from pydantic_core import core_schema

        def validate(value: Any) -> Any:
            return value if isinstance(value, source) else from_data(source, value)

        def serialize(value: Any, info: Any) -> Any:
            return to_json_data(value) if info.mode == "json" else to_data(value)

        return core_schema.no_info_plain_validator_function(
            validate,
            # Named as pydantic names its models: the OpenAPI document lists it as a component.
            ref=f"{source.__module__}.{source.__qualname__}:{id(source)}",
            serialization=core_schema.plain_serializer_function_ser_schema(
                serialize, info_arg=True
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        document = msgspec.json.schema(cls)
        inlined: dict[str, Any] = _inlined(document, document.get("$defs", {}))
        inlined.setdefault("title", cls.__name__)
        return inlined


class Record(_PydanticField, msgspec.Struct, kw_only=True):
    """A domain record that changes in place."""


class StatefulRecord(Record, kw_only=True, dict=True):
    """A record that also holds runtime state beside its fields (events raised since the last
    pull, say), never stored; its copies keep that state too."""

    def __copy__(self) -> Self:
        return self._with_state(msgspec.structs.replace(self), copy.copy(self.__dict__))

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        fields = {name: copy.deepcopy(getattr(self, name), memo) for name in self.__struct_fields__}
        state = copy.deepcopy(self.__dict__, memo)
        return self._with_state(msgspec.structs.replace(self, **fields), state)

    @staticmethod
    def _with_state(new: R, state: dict[str, Any]) -> R:
        new.__dict__.update(state)
        return new


class FrozenRecord(_PydanticField, msgspec.Struct, frozen=True, kw_only=True):
    """A domain record that never changes (a new one replaces it), and so is hashable."""


def within(field: str, value: Any, low: Any, high: Any) -> None:
    """`value` from `low` to `high` inclusive, or a FieldError naming the bound it crossed."""
    if value < low:
        raise FieldError(field, f"must be greater than or equal to {low}")
    if value > high:
        raise FieldError(field, f"must be less than or equal to {high}")


def to_json(record: Any) -> str:
    """The record as stored: JSON text."""
    return msgspec.json.encode(record).decode()


def from_json(kind: type[R], document: str | bytes) -> R:
    """A stored record; its checks run, and a bad one raises `msgspec.ValidationError`."""
    return msgspec.json.decode(document, type=kind)


def from_data(kind: type[R], data: Any) -> R:
    """A record from JSON-like data, read leniently as the stored JSON is (a digit string for a
    number, an ISO string for a time, a number for a decimal)."""
    return msgspec.convert(data, type=kind, strict=False)


def to_json_data(record: msgspec.Struct) -> dict[str, Any]:
    """The record as the JSON-like data it is stored as (dicts, lists, strings, numbers)."""
    data: dict[str, Any] = msgspec.to_builtins(record)
    return data


def to_data(record: msgspec.Struct) -> dict[str, Any]:
    """The record as dicts and lists, its decimals and times left as Python values."""
    data: dict[str, Any] = msgspec.to_builtins(record, builtin_types=_PYTHON_VALUES)
    return data


def without_defaults(record: msgspec.Struct) -> dict[str, Any]:
    """JSON-like data of the record without the fields left at their defaults, in the records
    it holds too: what a person wrote, not every value it implies."""
    data: dict[str, Any] = {}
    for field in msgspec.structs.fields(record):
        value = getattr(record, field.name)
        if field.default is not msgspec.NODEFAULT and value == field.default:
            continue
        if field.default_factory is not msgspec.NODEFAULT and value == field.default_factory():
            continue
        data[field.encode_name] = _without_defaults_in(value)
    return data


def _without_defaults_in(value: Any) -> Any:
    if isinstance(value, msgspec.Struct):
        return without_defaults(value)
    if isinstance(value, list | tuple):
        return [_without_defaults_in(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_defaults_in(v) for k, v in value.items()}
    return msgspec.to_builtins(value)


def _inlined(node: Any, defs: dict[str, Any]) -> Any:
    # pydantic places a field's schema inside its own document: msgspec's references resolved.
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inlined(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inlined(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inlined(v, defs) for v in node]
    return node


_AT = re.compile(r"^(?P<msg>.*) - at `\$(?P<path>[^`]*)`$", re.DOTALL)
_NAMED = re.compile(r"Object (?:missing required|contains unknown) field `(?P<name>[^`]+)`")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")


def field_problems(
    kind: type[msgspec.Struct], data: dict[str, Any], *, strict: frozenset[str] = frozenset()
) -> list[tuple[tuple[str | int, ...], str]]:
    """Every field's problem in `data` for a `kind` record, as a form shows them: each field
    read on its own (a conversion stops at the first problem), leniently but for the `strict`
    fields; then the record's own rules, each broken field set aside in turn so that the
    next rule it breaks is found too."""
    types = _field_types(kind)
    forbid = kind.__struct_config__.forbid_unknown_fields
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for name, value in data.items():
        if name not in types:
            if forbid:
                problems.append(((name,), "unknown field"))
            continue
        try:
            msgspec.convert(value, type=types[name], strict=name in strict)
        except msgspec.ValidationError as exc:
            loc, why = problem_at(exc)
            problems.append(((name, *loc), why))
    return problems + _rule_problems(kind, data, {loc[0] for loc, _ in problems if loc})


def _rule_problems(
    kind: type[msgspec.Struct], data: dict[str, Any], broken: set[str | int]
) -> list[tuple[tuple[str | int, ...], str]]:
    # A field set aside takes its default; a rule of a required one set aside cannot be
    # checked, and what it reports then is not news.
    rest = {name: value for name, value in data.items() if name not in broken}
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for _ in kind.__struct_fields__:
        try:
            msgspec.convert(rest, type=kind, strict=False)
        except msgspec.ValidationError as exc:
            loc, why = problem_at(exc)
            if not loc or loc[0] in broken or loc[0] not in rest:
                if not broken and not problems:
                    problems.append((loc, why))
                break
            problems.append((loc, why))
            broken.add(loc[0])
            rest.pop(loc[0])
        else:
            break
    return problems


@cache
def _field_types(kind: type[msgspec.Struct]) -> dict[str, Any]:
    names = set(kind.__struct_fields__)
    return {k: v for k, v in get_type_hints(kind, include_extras=True).items() if k in names}


def problem_at(error: msgspec.ValidationError) -> tuple[tuple[str | int, ...], str]:
    """Where in the input a decode or convert failed (field names and list indexes, the
    record's own field for a broken rule), and why."""
    message, where = str(error), ""
    if matched := _AT.match(message):
        message, where = matched["msg"], matched["path"]
    loc: list[str | int] = [
        name or (int(index) if index.isdigit() else index) for name, index in _STEP.findall(where)
    ]
    cause = error.__cause__
    if isinstance(cause, FieldError):
        loc += cause.field.split(".")
        message = cause.message
    elif named := _NAMED.fullmatch(message):
        loc.append(named["name"])
    return tuple(loc), plain(message)


# msgspec names JSON types and operators; a merchant reads these beside a form's fields.
_KINDS = {
    "int": "a whole number",
    "float": "a number",
    "decimal": "a number",
    "str": "text",
    "bool": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "empty",
}
_BOUNDS = {
    ">=": "greater than or equal to",
    ">": "greater than",
    "<=": "less than or equal to",
    "<": "less than",
}
_BOUND = re.compile(r"Expected `(?:int|float|decimal)` (?P<op>[<>]=?) (?P<n>\S+)")
_LENGTH = re.compile(r"Expected `(?P<kind>str|array|object)` of length (?P<op>[<>]=?) (?P<n>\d+)")
_KIND = re.compile(r"Expected `(?P<want>[\w |]+)`, got `(?P<got>\w+)`")


def plain(message: str) -> str:
    """msgspec's reason for a refused value, in words (others unchanged)."""
    if matched := _BOUND.fullmatch(message):
        return f"must be {_BOUNDS[matched['op']]} {matched['n']}"
    if matched := _LENGTH.fullmatch(message):
        unit = "character" if matched["kind"] == "str" else "item"
        unit += "" if matched["n"] == "1" else "s"
        least = matched["op"].startswith(">")
        return f"must have at {'least' if least else 'most'} {matched['n']} {unit}"
    if message.startswith("Object missing required field"):
        return "is required"
    if message.startswith("Object contains unknown field"):
        return "is not a field of this record"
    if matched := _KIND.fullmatch(message):
        wanted = " or ".join(_KINDS.get(k.strip(), k.strip()) for k in matched["want"].split("|"))
        return f"must be {wanted}, not {_KINDS.get(matched['got'], matched['got'])}"
    return message
