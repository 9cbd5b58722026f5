"""The stored JSON document of a subscription (the `doc` attribute of its item).

The document keeps the shape items were first written in: the scheduled changes are three
flat attributes, `resume_at`, `cancel_at` and `scheduled_cancel_fee` (null when none), where
the aggregate holds them as `ScheduledChange` values. Attributes stay in field order.
"""

from __future__ import annotations

import json
from typing import Any

from ...domain.record import from_data
from ...domain.scheduled_change import ChangeKind
from ...domain.subscription import Subscription, stored_data

_SCHEDULED = "scheduled"


def subscription_doc(sub: Subscription) -> str:
    """The document written for `sub`."""
    doc: dict[str, Any] = {}
    for name, value in stored_data(sub).items():
        if name == _SCHEDULED:
            doc |= _flat(value)
        else:
            doc[name] = value
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def subscription_from_doc(doc: str) -> Subscription:
    """The subscription a stored document holds."""
    data = json.loads(doc)
    resume_at = data.pop("resume_at", None)
    cancel_at = data.pop("cancel_at", None)
    fee = data.pop("scheduled_cancel_fee", None)
    scheduled = []
    if resume_at is not None:
        scheduled.append({"kind": ChangeKind.RESUME, "at": resume_at})
    if cancel_at is not None:
        scheduled.append({"kind": ChangeKind.CANCEL, "at": cancel_at, "early_cancel_fee": fee})
    return from_data(Subscription, {**data, _SCHEDULED: scheduled})


def _flat(scheduled: list[dict[str, Any]]) -> dict[str, Any]:
    by_kind = {change["kind"]: change for change in scheduled}
    resume, cancel = by_kind.get(ChangeKind.RESUME), by_kind.get(ChangeKind.CANCEL)
    return {
        "resume_at": None if resume is None else resume["at"],
        "cancel_at": None if cancel is None else cancel["at"],
        "scheduled_cancel_fee": None if cancel is None else cancel["early_cancel_fee"],
    }
