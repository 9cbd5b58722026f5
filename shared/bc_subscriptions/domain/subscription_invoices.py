"""Purchase-order invoices (B2B Edition net terms): a cycle renewed on an unpaid order, the
invoice left open until BigCommerce says it is paid, and an overdue one under the store's policy.

Each function changes the subscription through its lifecycle and records the events there;
the caller saves it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec

from . import events as ev
from .company import OpenInvoice
from .errors import DomainError
from .lifecycle import RENEWABLE, Command, Status
from .subscription_pauses import resume
from .subscription_pricing import renewal_total
from .timestamps import iso_timestamp

if TYPE_CHECKING:
    from .subscription import Subscription


def invoice_due_at(sub: Subscription, cycle: int) -> datetime:
    """The cycle's invoice is due its net terms after the cycle starts (the same on every
    attempt at the cycle, so a retried order carries the same date)."""
    days = sub.invoice_terms.net_terms_days if sub.invoice_terms else 0
    return sub.cycle_starts_at(cycle) + timedelta(days=days)


def record_invoiced_renewal(
    sub: Subscription, *, cycle: int, order_id: int, now: datetime
) -> OpenInvoice:
    """The cycle's order went out unpaid on purchase-order terms: the cycle is renewed
    (nothing is charged) and the invoice stays open until BigCommerce says it is paid."""
    [invoice] = record_invoiced_locations(
        sub, cycle=cycle, orders=[(order_id, None, renewal_total(sub))], now=now
    )
    return invoice


def record_invoiced_locations(
    sub: Subscription,
    *,
    cycle: int,
    orders: list[tuple[int, str | None, Decimal]],
    now: datetime,
) -> list[OpenInvoice]:
    """The cycle's orders (order id, delivery location or None, amount) went out unpaid on
    purchase-order terms: one open invoice and `invoice.issued` each, the cycle renewed
    once (nothing is charged)."""
    terms = sub.invoice_terms
    if terms is None:
        raise DomainError("only a purchase-order subscription is invoiced")
    sub.transition(Command.RECORD_RENEWAL, now)
    sub.paid_cycles += 1
    invoices = []
    for order_id, location_id, amount in orders:
        invoice = OpenInvoice(cycle=cycle, order_id=order_id, due_at=invoice_due_at(sub, cycle))
        invoices.append(invoice)
        data: dict[str, Any] = {
            "cycle": cycle,
            "order_id": order_id,
            "po_number": terms.po_number,
            "amount": str(amount),
            "currency": sub.currency,
            "due_at": iso_timestamp(invoice.due_at),
        }
        if location_id is not None:
            data["location_id"] = location_id
        sub.record_event(ev.INVOICE_ISSUED, now, data)
    sub.open_invoices = (*sub.open_invoices, *invoices)
    sub.finish_cycle(cycle, orders[0][0], now)
    return invoices


def overdue_invoices(sub: Subscription, now: datetime) -> list[OpenInvoice]:
    """Open invoices whose due date has passed and that were not flagged yet."""
    return [i for i in sub.open_invoices if not i.overdue and i.due_at <= now]


def flag_overdue(sub: Subscription, invoice: OpenInvoice, action: str, now: datetime) -> None:
    """The invoice's due date passed unpaid; the store's policy `action` applies:
    keep_renewing, hold (no new invoice until it is paid) or pause."""
    sub.open_invoices = tuple(
        msgspec.structs.replace(i, overdue=True) if i.order_id == invoice.order_id else i
        for i in sub.open_invoices
    )
    sub.updated_at = now
    data = {
        "cycle": invoice.cycle,
        "order_id": invoice.order_id,
        "due_at": iso_timestamp(invoice.due_at),
        "po_number": sub.invoice_terms.po_number if sub.invoice_terms else None,
        "action": action,
    }
    sub.record_event(ev.INVOICE_OVERDUE, now, data)
    if action == "hold":
        sub.invoice_hold = True
    elif action == "pause" and sub.status in RENEWABLE:
        sub.transition(Command.PAUSE, now)
        sub.invoice_paused = True
        paused = {"reason": "invoice_overdue", "cycle": sub.next_cycle}
        sub.record_event(ev.SUBSCRIPTION_PAUSED, now, paused)


def record_invoice_paid(sub: Subscription, order_id: int, status_id: int, now: datetime) -> bool:
    """The merchant marked the invoice's order paid in BigCommerce; False when it is not
    an open invoice of this subscription (paid before, or never one). When it was the last
    overdue one, a pause made by the overdue policy ends (`resume_paid_up`)."""
    paid = next((i for i in sub.open_invoices if i.order_id == order_id), None)
    if paid is None:
        return False
    sub.open_invoices = tuple(i for i in sub.open_invoices if i.order_id != order_id)
    # A hold lasts while any invoice is overdue.
    sub.invoice_hold = sub.invoice_hold and any(i.overdue for i in sub.open_invoices)
    sub.updated_at = now
    data = {
        "cycle": paid.cycle,
        "order_id": order_id,
        "status_id": status_id,
        "was_overdue": paid.overdue,
    }
    sub.record_event(ev.INVOICE_PAID, now, data)
    resume_paid_up(sub, now)
    return True


def resume_paid_up(sub: Subscription, now: datetime) -> bool:
    """A subscription the overdue policy paused, with no invoice overdue any more, resumes
    as a merchant's resume would (`subscription.resumed`, reason `invoice_paid`): the cycles
    whose date passed while it was paused are skipped, neither invoiced nor delivered, and it
    renews next at the first cycle date after `now`. Paying is not asking for the missed
    cycles. False, and nothing changes, for any other pause (the merchant's, the shopper's,
    dunning's), for a subscription no longer paused (resumed or cancelled meanwhile), and
    while another invoice is still overdue."""
    if sub.status is not Status.PAUSED or not sub.invoice_paused:
        return False
    if any(i.overdue for i in sub.open_invoices):
        return False
    resume(sub, now, reason="invoice_paid")
    return True
