"""Purchase-order renewals (B2B Edition net terms): the cycle's order is the invoice.

The order is placed through the same find-or-create step as a card renewal (so the same
exactly-once rules hold under faults), but unpaid and marked as a purchase order; the payments
API is never called and dunning never starts. An open invoice that passes its due date unpaid
is flagged once (the subscription's due time brings it back to the renewal sweep), and the
merchant marking its order paid in BigCommerce closes it.

Order fields used (orders v2 `POST /orders`): `status_id` 7 (Awaiting Payment), the order is
left for the buyer's accounts payable; `payment_method` "Purchase Order"; `customer_message`
carries the PO number and due date where the buyer sees them on the order and invoice;
`staff_notes` repeats them for the merchant.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from ..domain.charge import Charge, Stage
from ..domain.subscription_invoices import (
    flag_overdue,
    invoice_due_at,
    overdue_invoices,
    record_invoiced_renewal,
)
from ..domain.timestamps import iso_timestamp
from ..ports.storage import OpsEvent, OpsEvents, UnitOfWork
from .renewal_deliveries import materialize_deliveries

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.bigcommerce import NewOrder

AWAITING_PAYMENT = 7
PURCHASE_ORDER = "Purchase Order"
INVOICE_OVERDUE_OPS = "invoice_overdue"


def is_invoiced(sub: Subscription) -> bool:
    return sub.invoice_terms is not None


def invoiced_order(order: NewOrder, sub: Subscription, charge: Charge) -> NewOrder:
    """The renewal order as a purchase-order invoice: unpaid, PO number and due date on it."""
    assert sub.invoice_terms is not None
    due = iso_timestamp(invoice_due_at(sub, charge.cycle))[:10]
    po = sub.invoice_terms.po_number
    note = f"PO {po}, net {sub.invoice_terms.net_terms_days} days, due {due}"
    return msgspec.structs.replace(
        order,
        status_id=AWAITING_PAYMENT,
        payment_method=PURCHASE_ORDER,
        customer_message=note,
        staff_notes=f"{order.staff_notes}. {note}",
    )


def complete_invoiced(sub: Subscription, charge: Charge, uow: UnitOfWork, now: datetime) -> None:
    """Stage the cycle as renewed on an open invoice and the charge as completed (the caller
    commits both)."""
    assert charge.bc_order_id is not None
    record_invoiced_renewal(sub, cycle=charge.cycle, order_id=charge.bc_order_id, now=now)
    charge.advance(Stage.COMPLETED, now)
    materialize_deliveries(sub, charge.cycle, charge.bc_order_id, uow)
    charge.release_lease(now)


def flag_overdue_invoices(sub: Subscription, uow: UnitOfWork, now: datetime) -> list[OpsEvent]:
    """Flag every open invoice past its due date under the store's B2B policy and stage the
    subscription; the ops items to raise once that is committed (none: nothing was overdue)."""
    overdue = overdue_invoices(sub, now)
    if not overdue:
        return []
    settings = uow.tenant_configs.get(sub.store_hash).b2b
    action = settings.overdue_action if settings is not None else "keep_renewing"
    raised = []
    for invoice in overdue:
        flag_overdue(sub, invoice, action, now)
        data: dict[str, object] = {
            "subscription_id": sub.id,
            "order_id": invoice.order_id,
            "cycle": invoice.cycle,
            "due_at": iso_timestamp(invoice.due_at),
            "action": action,
        }
        raised.append(OpsEvent(sub.store_hash, INVOICE_OVERDUE_OPS, data, now))
    uow.subscriptions.save(sub)
    return raised


def raise_ops(ops: OpsEvents | None, items: list[OpsEvent]) -> None:
    for item in items if ops is not None else []:
        assert ops is not None
        ops.record(item)
