"""Evaluate Lambda event-filter patterns (the subset our template uses) against stream records."""

from __future__ import annotations

from typing import Any


def matches(pattern: dict[str, Any], record: dict[str, Any]) -> bool:
    """Every key of the pattern must match: lists allow values, dicts recurse."""
    for key, expected in pattern.items():
        if key not in record:
            if isinstance(expected, list) and any(
                isinstance(e, dict) and e.get("exists") is False for e in expected
            ):
                continue
            return False
        actual = record[key]
        if isinstance(expected, dict):
            if not isinstance(actual, dict) or not matches(expected, actual):
                return False
        elif not any(_value_matches(e, actual) for e in expected):
            return False
    return True


def _value_matches(expected: Any, actual: Any) -> bool:
    if isinstance(expected, dict):
        if "prefix" in expected:
            return isinstance(actual, str) and actual.startswith(expected["prefix"])
        if "exists" in expected:
            return bool(expected["exists"])
        return False
    return bool(expected == actual)
