"""Merchant-written regular expressions for custom fields, refused unless their worst case is
bounded.

Python's `re` backtracks and has no timeout, so a hostile pattern such as `(a+)+$` could hold
a request for minutes. A pattern is accepted only in a subset whose backtracking is bounded:
no backreferences, lookarounds or conditionals; no repeat inside a repeat and no alternation
inside a repeat (the exponential cases); and the product of the choices its repeats and
alternations leave open, for values as long as the field allows, within `MAX_PATTERN_COST`
(the polynomial cases, like `\\d*\\d*\\d*x`). Values are matched whole (`fullmatch`).
"""

from __future__ import annotations

import re
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

MAX_PATTERN_LENGTH = 200
# Ways a value may be split among the pattern's repeats and alternatives: about what one
# fullmatch may try before it gives up, each try at most a pattern's length of steps.
MAX_PATTERN_COST = 100_000

_REFUSED = {
    c.GROUPREF: "backreferences are not supported",
    c.GROUPREF_EXISTS: "conditional groups are not supported",
    c.ASSERT: "lookarounds are not supported",
    c.ASSERT_NOT: "lookarounds are not supported",
}
_REPEATS = {c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT}


class UnsafePattern(ValueError):
    """The pattern does not compile, or its worst case is not bounded; `str()` says why."""


def checked_pattern(pattern: str, max_value_length: int) -> re.Pattern[str]:
    """The compiled pattern, if values up to `max_value_length` characters match in bounded
    time; UnsafePattern otherwise."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafePattern(f"a pattern is at most {MAX_PATTERN_LENGTH} characters")
    try:
        compiled = re.compile(pattern)
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise UnsafePattern(f"the pattern does not compile: {exc}") from exc
    cost = _sequence_cost(list(parsed), max_value_length)
    if cost > MAX_PATTERN_COST:
        raise UnsafePattern(
            "the pattern leaves too many ways to match a value of up to "
            f"{max_value_length} characters; bound its repeats (e.g. {{1,20}} instead of +)"
        )
    return compiled


def _sequence_cost(items: list[tuple[Any, Any]], n: int) -> int:
    cost = 1
    for op, arg in items:
        cost *= _item_cost(op, arg, n)
        if cost > MAX_PATTERN_COST:
            return cost  # no need to multiply further (and no huge integers)
    return cost


def _item_cost(op: Any, arg: Any, n: int) -> int:
    if op in _REFUSED:
        raise UnsafePattern(_REFUSED[op])
    if op in _REPEATS:
        low, high, body = arg
        if high > 1 and _has_choice(list(body)):
            raise UnsafePattern("a repeat may not contain another repeat or an alternation")
        span = int(min(high, n) - low + 1)
        return max(span, 1) * _sequence_cost(list(body), n)
    if op == c.BRANCH:
        return sum(_sequence_cost(list(alt), n) for alt in arg[1])
    if op in (c.SUBPATTERN, c.ATOMIC_GROUP):
        body = arg[-1] if op == c.SUBPATTERN else arg
        return _sequence_cost(list(body), n)
    return 1


def _has_choice(items: list[tuple[Any, Any]]) -> bool:
    """Whether a sequence leaves a choice (a repeat of variable count, or an alternation), at
    any depth: inside a repeat, such a choice multiplies with every round."""
    for op, arg in items:
        if op in _REPEATS and arg[0] != arg[1]:
            return True
        if op == c.BRANCH:
            return True
        if op == c.SUBPATTERN and _has_choice(list(arg[-1])):
            return True
        if op == c.ATOMIC_GROUP and _has_choice(list(arg)):
            return True
        if op in _REPEATS and _has_choice(list(arg[2])):
            return True
    return False
