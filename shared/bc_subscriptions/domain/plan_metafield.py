"""A product's plan as merchants write it: JSON in the `bc_subscriptions.plan` metafield.

Besides cadences and terms it may name what a subscription grants, e.g.
`"entitlements": [{"key": "members", "customer_group_id": 7, "priority": 0}]` and
`"cancel_grace_days": 3` (how long the grant outlives a cancel or expiry).
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from .plan import Plan

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
    try:
        return Plan.model_validate({**raw, "product_id": product_id})
    except ValidationError as exc:
        raise InvalidPlan(_describe(exc), _located(exc)) from exc


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "plan"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)[:MAX_ERROR_LENGTH]


def _located(exc: ValidationError) -> tuple[tuple[tuple[str | int, ...], str], ...]:
    return tuple((tuple(err["loc"]), err["msg"]) for err in exc.errors())
