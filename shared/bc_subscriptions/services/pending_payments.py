"""`store/order/transaction/created`: a renewal payment the gateway left `pending` is settled
as soon as BigCommerce reports the order's transaction, instead of at the next sweep.

The renewal worker does the settling, exactly once, from the order's transactions (as for the
sweep's message); this only hands it the cycle. A transaction of any other order, or of a
cycle that is not waiting on a pending payment, changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .messages import RenewSubscription
from .payment_actions import renewal_charge

if TYPE_CHECKING:
    from ..ports.queues import MessageQueue
    from ..ports.storage import UnitOfWork


def settle_on_transaction(
    store_hash: str, order_id: int, *, uow: UnitOfWork, queue: MessageQueue
) -> str:
    """`queued` when the order's cycle waits on a pending payment; else why not."""
    with uow:
        found = renewal_charge(uow, store_hash, order_id)
    if found is None:
        return "ignored"
    if not found.charge.payment_pending:
        return "not_pending"
    message = RenewSubscription(
        store_hash=store_hash, subscription_id=found.sub.id, cycle=found.charge.cycle
    )
    queue.send_batch([message.to_json()])
    return "queued"
