"""The JSON grammar a BigCommerce delivery body is read with, kept as the receivers first took it.

msgspec's own JSON decoder would refuse bodies the receivers have always accepted (`NaN`,
`Infinity`, a number too large for a float) and accept some they have always refused (values
nested deeper than 200, an integer part over 4300 characters); a changed refusal is a delivery
BigCommerce retries for two days, a changed acceptance a message the worker could not have been
sent before. So the body is read here, and only its shape is checked with msgspec.
"""

from __future__ import annotations

import json

# Deeper than this is refused, however the containers are mixed.
MAX_DEPTH = 200
# Characters of a number's integer part, sign included; longer is refused, as Python's own
# limit on converting long digit strings would.
MAX_INTEGER_CHARS = 4300


class NotJson(ValueError):
    """The body is not one JSON value in the accepted grammar."""


def read_json(raw: bytes) -> object:
    """The one JSON value `raw` holds (UTF-8, no byte-order mark)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotJson("not UTF-8") from exc
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_float)
    except RecursionError as exc:
        raise NotJson(f"nested deeper than {MAX_DEPTH}") from exc
    except ValueError as exc:  # a JSONDecodeError, or a number refused below
        raise NotJson(str(exc)) from exc
    _check_nesting_and_text(value)
    return value


def _integer(text: str) -> int:
    if len(text) > MAX_INTEGER_CHARS:
        raise NotJson("number out of range")
    return int(text)


def _float(text: str) -> float:
    cut = len(text)
    for mark in ".eE":
        at = text.find(mark)
        if at != -1:
            cut = min(cut, at)
    if cut > MAX_INTEGER_CHARS:
        raise NotJson("number out of range")
    return float(text)


def _check_nesting_and_text(value: object) -> None:
    """No value inside more than MAX_DEPTH containers, and no string (key or value) holding a
    lone surrogate: an escape such as `\\ud800` names no character, so it is not text."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, dict | list) and item:
            if depth >= MAX_DEPTH:
                raise NotJson(f"nested deeper than {MAX_DEPTH}")
            if isinstance(item, dict):
                for key in item:
                    _check_text(key)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


def _check_text(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise NotJson("lone surrogate in a string") from exc
