"""`store/customer/deleted`: every subscription of the deleted customer stops, with its event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.errors import InvalidTransition
from ..domain.subscription_cancels import stop_for_deleted_customer

if TYPE_CHECKING:
    from ..ports.storage import UnitOfWork


def stop_customer_subscriptions(
    store_hash: str, customer_id: int, *, uow_factory: Callable[[], UnitOfWork], now: datetime
) -> int:
    """Cancel (reason `customer_deleted`) each of the customer's subscriptions through the
    lifecycle resolver; one already cancelled or expired is left as it is. Returns how many
    stopped. A repeat delivery stops nothing more."""
    with uow_factory() as uow:
        links = uow.customer_links.for_customer(store_hash, customer_id)
    stopped = 0
    for link in links:
        # BigCommerce's own event, not a caller's change: no change rate limit applies.
        with uow_factory() as uow:
            sub = uow.subscriptions.get(store_hash, link.subscription_id)
            if sub is None:
                continue  # gone: nothing to stop
            if customer_id not in (sub.customer_id, sub.payer_customer_id):
                continue  # a beneficiary or manager leaving ends no one else's contract
            try:
                stop_for_deleted_customer(sub, now)
            except InvalidTransition:
                continue  # already over: nothing to stop
            uow.subscriptions.save(sub)
            uow.commit()
        stopped += 1
    return stopped
