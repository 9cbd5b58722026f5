"""`store/order/refund/created`: a refund of one of our renewal orders is recorded on its charge.

The refund itself is the merchant's, made in BigCommerce; we keep which refunds the cycle's
order had and tell the merchant's systems with `charge.refunded`. Refunds of other orders
(the checkout order, orders we did not create) are none of a charge's business.
"""

from __future__ import annotations

from datetime import datetime

from ..domain import events as ev
from ..ports.storage import ConcurrencyConflict, UnitOfWork
from .payment_actions import renewal_charge


def record_refund(
    store_hash: str, order_id: int, refund_id: int, *, uow: UnitOfWork, now: datetime
) -> str:
    """`recorded` once per refund id, `duplicate` after; `ignored` for an order not ours."""
    with uow:
        found = renewal_charge(uow, store_hash, order_id)
        if found is None:
            return "ignored"
        charge = found.charge
        if not charge.record_refund(refund_id, now):
            return "duplicate"
        found.sub.record_payment_action(
            ev.CHARGE_REFUNDED,
            cycle=charge.cycle,
            now=now,
            order_id=order_id,
            refund_id=refund_id,
            currency=charge.currency,
        )
        uow.subscriptions.save(found.sub)
        uow.charges.save(charge)
        try:
            uow.commit()
        except ConcurrencyConflict:
            # Someone changed the subscription meanwhile: the worker's retry reads it again.
            uow.rollback()
            raise
    return "recorded"
