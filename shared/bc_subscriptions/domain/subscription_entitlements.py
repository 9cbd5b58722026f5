"""A subscription's entitlement changes in its own history. When an entitlement is granted,
suspended, resumed or revoked is `entitlements`' to decide; this records it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import events as ev

if TYPE_CHECKING:
    from .subscription import Subscription


def record_entitlement(sub: Subscription, type_: str, now: datetime, data: dict[str, Any]) -> None:
    """One of its entitlements changed: the event joins the subscription's own sequence, so
    merchants see it in order with what caused it."""
    if type_ not in ev.ENTITLEMENT_TYPES:
        raise ValueError(f"{type_} is not an entitlement event")
    sub.record_event(type_, now, data)
