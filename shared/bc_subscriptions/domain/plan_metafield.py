"""A product's plan as merchants write it: JSON in the `bc_subscriptions.plan` metafield.

Besides cadences and terms it may name what a subscription grants, e.g.
`"entitlements": [{"key": "members", "customer_group_id": 7, "priority": 0}]` and
`"cancel_grace_days": 3` (how long the grant outlives a cancel or expiry).
"""

from __future__ import annotations

import json

import msgspec

from .plan import Plan
from .record import field_problems, from_data, problem_at

NAMESPACE = "bc_subscriptions"
KEY = "plan"
MAX_ERROR_LENGTH = 300


class InvalidPlan(ValueError):
    """The metafield does not hold a usable plan; `str()` says why, for the merchant, and
    `fields` names each place that is wrong (its location in the plan, and why), so a form
    can show each reason beside its field. An empty location is the plan as a whole."""

    def __init__(self, message: str, fields: tuple[tuple[tuple[str | int, ...], str], ...] = ()):
        super().__init__(message)
        self.fields = fields or (((), message),)


def parse_plan(product_id: int, value: str) -> Plan:
    """The plan of `product_id` (taken from the metafield's resource, not from the JSON)."""
    try:
        raw = json.loads(value)
    except json.JSONDecodeError as exc:
        raise InvalidPlan(f"not JSON: {exc.msg} at position {exc.pos}") from exc
    if not isinstance(raw, dict):
        raise InvalidPlan("the plan must be a JSON object")
    data = {**raw, "product_id": product_id}
    if problems := field_problems(Plan, data):
        raise InvalidPlan(_describe(problems), tuple(problems))
    try:
        return from_data(Plan, data)
    except msgspec.ValidationError as exc:
        problem = problem_at(exc)
        raise InvalidPlan(_describe([problem]), (problem,)) from exc


def _describe(problems: list[tuple[tuple[str | int, ...], str]]) -> str:
    parts = [f"{'.'.join(str(p) for p in where) or 'plan'}: {why}" for where, why in problems]
    return "; ".join(parts)[:MAX_ERROR_LENGTH]
