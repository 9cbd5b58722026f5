"""Delivery instances kept with each completed cycle: its own, and the next ones ahead."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from ..domain.delivery import deliveries_from

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.storage import UnitOfWork


def materialize_deliveries(sub: Subscription, cycle: int, order_id: int, uow: UnitOfWork) -> None:
    """The cycle's delivery gets its order; the next ones exist ahead of time (pending)."""
    wanted = deliveries_from(sub, cycle)
    existing = {
        d.cycle: d for d in uow.deliveries.between(sub.store_hash, sub.id, cycle, wanted[-1].cycle)
    }
    for delivery in wanted:
        if delivery.cycle == cycle:
            current = msgspec.structs.replace(existing.get(cycle, delivery), order_id=order_id)
            if cycle in existing:
                uow.deliveries.save(current)
            else:
                uow.deliveries.add(current)
        elif delivery.cycle not in existing:
            uow.deliveries.add(delivery)
