"""`store/order/statusUpdated`: each reaction looks at the change and may act on it.

Reactions re-read BigCommerce rather than trust the callback (deliveries come late and out of
order). Later ones (capture on fulfilment, void on cancel) join the list the handler builds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from .capture_from_order import PAID_STATUSES, CaptureResult


class StatusChange(msgspec.Struct, frozen=True):
    store_hash: str
    order_id: int
    previous_status_id: int
    new_status_id: int


# A reaction answers what it did, or None when the change is none of its business.
Reaction = Callable[[StatusChange], str | None]


def react(change: StatusChange, reactions: Sequence[Reaction]) -> str:
    """Run every reaction; the outcome names what was done (`ignored` when nothing was)."""
    outcomes = [outcome for reaction in reactions if (outcome := reaction(change)) is not None]
    return ",".join(outcomes) or "ignored"


def start_subscriptions_when_paid(capture: Callable[[str, int], CaptureResult]) -> Reaction:
    """An order that was not paid at checkout (e.g. Incomplete, Declined) becomes paid."""

    def reaction(change: StatusChange) -> str | None:
        if change.new_status_id not in PAID_STATUSES:
            return None
        if change.previous_status_id in PAID_STATUSES:
            return None  # it was already paid: order/created (or reconciliation) saw that
        return capture(change.store_hash, change.order_id).outcome

    return reaction
