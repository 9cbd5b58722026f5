"""A purchase-order invoice paid: the merchant moved its renewal order to a paid status in
BigCommerce (`store/order/statusUpdated`), and the subscription records it (`invoice.paid`).
The last overdue one paid also ends a pause the store's overdue policy made
(`subscription.resumed`), in the same commit, so a repeat or a retry finds both done."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..domain import subscription_invoices as invoices
from .capture_from_order import PAID_STATUSES

if TYPE_CHECKING:
    from ..ports.bigcommerce import BigCommerce
    from ..ports.clock import Clock
    from ..ports.storage import UnitOfWork
    from .order_status import Reaction, StatusChange


def record_invoice_paid(uow: Callable[[], UnitOfWork], bc: BigCommerce, clock: Clock) -> Reaction:
    """Close the open invoice whose order became paid; a repeat finds it closed already."""

    def reaction(change: StatusChange) -> str | None:
        if change.new_status_id not in PAID_STATUSES:
            return None
        with uow() as work:
            link = work.order_links.get(change.store_hash, change.order_id)
            if link is None or link.role != "renewal" or len(link.subscription_ids) != 1:
                return None
            sub = work.subscriptions.get(change.store_hash, link.subscription_ids[0])
            if sub is None or all(i.order_id != change.order_id for i in sub.open_invoices):
                return None
            # Deliveries come late and out of order: the order's status now is what counts.
            status = bc.get_order(change.store_hash, change.order_id).status_id
            if status not in PAID_STATUSES:
                return None
            invoices.record_invoice_paid(sub, change.order_id, status, clock.now())
            work.subscriptions.save(sub)
            work.commit()  # a conflict fails the delivery, which is retried
        return "invoice_paid"

    return reaction
