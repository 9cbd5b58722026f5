"""A subscription's custom field values refused at checkout: it starts without them, and the
merchant hears which and why. The values' rules are `custom_fields`'."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import events as ev

if TYPE_CHECKING:
    from .subscription import Subscription


def refuse_custom_fields(sub: Subscription, errors: list[dict[str, str]], now: datetime) -> None:
    """The checkout carried custom field values that fail their definitions: record which and
    why (`subscription.custom_fields_refused`); nothing else changes."""
    data = {"origin_order_id": sub.origin_order_id, "errors": errors}
    sub.record_event(ev.SUBSCRIPTION_CUSTOM_FIELDS_REFUSED, now, data)
