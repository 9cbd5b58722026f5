"""The cadence modifier's option values for a plan, matched to the values BigCommerce holds.

A value's id is what an order line (and so every renewal of a subscription) names, so ids are
never given up: a label that is still offered keeps its value, a new label gets a new value,
and a value whose cadence is no longer sold stays, with purchasing disabled so the storefront
will not sell it again.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from .plan import ONE_TIME_VALUES, Plan


class CadenceValue(msgspec.Struct, frozen=True):
    """One option value to send; `value_id` None asks BigCommerce for a new value."""

    value_id: int | None
    label: str
    sort_order: int
    is_default: bool
    purchasing_disabled: bool


def cadence_values(existing: Sequence[tuple[int, str]], plan: Plan) -> list[CadenceValue]:
    """The offered cadences in the plan's order, then every other value already there.

    `existing` is the modifier's (value id, label) pairs. A one-time purchase value the
    merchant added stays on sale; any other unmatched value is a retired cadence.
    """
    by_label = {label.strip().casefold(): value_id for value_id, label in existing}
    default = plan.default().label
    values = [
        CadenceValue(
            value_id=by_label.get(c.label.strip().casefold()),
            label=c.label,
            sort_order=i,
            is_default=c.label == default,
            purchasing_disabled=False,
        )
        for i, c in enumerate(plan.offered())
    ]
    offered = {c.label.strip().casefold() for c in plan.offered()}
    for value_id, label in existing:
        if label.strip().casefold() in offered:
            continue
        values.append(
            CadenceValue(
                value_id=value_id,
                label=label,
                sort_order=len(values),
                is_default=False,
                purchasing_disabled=label.strip().casefold() not in ONE_TIME_VALUES,
            )
        )
    return values
