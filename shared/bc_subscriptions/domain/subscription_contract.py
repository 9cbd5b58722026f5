"""A cancel the contract term does not allow yet, in `route` mode: handed to the merchant's
legal team instead of refused. Whether the term guards the cancel is `contract`'s to say."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import events as ev
from .lifecycle import Command, resolve
from .timestamps import iso_timestamp

if TYPE_CHECKING:
    from .subscription import Subscription


def route_cancel(sub: Subscription, now: datetime, window_opens_at: datetime | None = None) -> None:
    """Nothing changes but the event that records the request (`subscription.cancel_routed`),
    and only for a cancel the lifecycle allows."""
    resolve(sub.status, Command.CANCEL)
    sub.updated_at = now
    opens = None if window_opens_at is None else iso_timestamp(window_opens_at)
    data = {"customer_id": sub.customer_id, "window_opens_at": opens}
    sub.record_event(ev.SUBSCRIPTION_CANCEL_ROUTED, now, data)
