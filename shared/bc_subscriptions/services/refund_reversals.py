"""`store/order/refund/created`: a refund gives back the part of each allotment debit it covers.

The order's refunds are read from BigCommerce (all of them: what a refund gives back depends on
the ones before it, and a refund whose webhook was lost is caught up by the next one), with the
order's lines (a refund names lines by id). Each debit of the order then takes, in one
transaction conditional on its grant's version, every refund it has not seen yet, lowest id
first: a reversal per refund, its id from the refund's, kept on the debit so a duplicate
webhook, a retry or a worker racing on another refund of the same order gives nothing twice.
An order that debited nothing costs no BigCommerce call. A refund the payment provider
declined gives back nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..domain.allotments import GrantStatus
from ..domain.debit_reversals import REFUND_REVERSAL_PREFIX
from ..domain.refund_coverage import DebitTerms, OrderRefund, RefundedLine, dues
from ..observability import logger
from ..ports.allotment_storage import GrantChange
from .allotments import AllotmentDeps, retrying, write_grant

if TYPE_CHECKING:
    from ..ports.bigcommerce import BigCommerce
    from ..ports.order_refunds import OrderRefunds


class RefundNotListed(Exception):
    """BigCommerce does not list the webhook's refund yet: the delivery is tried again later."""


def reversal_id(refund_id: int) -> str:
    """A refund's reversal of a debit: one per refund, whatever delivers it how often."""
    return f"{REFUND_REVERSAL_PREFIX}{refund_id}"


def reverse_refunded_debits(
    store_hash: str,
    order_id: int,
    refund_id: int,
    *,
    refunds: OrderRefunds,
    bc: BigCommerce,
    deps: AllotmentDeps,
) -> str:
    """`reversed:N` (reversals written), or `no_debits` for an order that debited no grant."""
    found = deps.grants.debits_of_order(store_hash, order_id)
    if not found:
        return "no_debits"
    listed = refunds.list_order_refunds(store_hash, order_id)
    if refund_id not in {r.id for r in listed}:
        raise RefundNotListed(f"refund {refund_id} of order {order_id} is not listed yet")
    # A declined refund gave the shopper nothing, so it gives back nothing either, and it is
    # left out of what the refunds after it cover.
    listed = [r for r in listed if not r.declined]
    if not listed:
        return "reversed:0"
    order = bc.get_order_with_consignments(store_hash, order_id)
    lines = [
        RefundedLine(
            id=line.id,
            product_id=line.product_id,
            quantity=line.quantity,
            unit_price=line.price_inc_tax,
        )
        for line in order.lines
    ]
    written = 0
    for grant_id, debit_id in found:

        def attempt(grant_id: str = grant_id, debit_id: str = debit_id) -> int:
            return _reverse_debit(
                store_hash, grant_id, debit_id, listed, lines, order.total_inc_tax, deps
            )

        written += retrying(attempt)
    logger.info("refund reversed allotment debits", order_id=order_id, reversals=written)
    return f"reversed:{written}"


def _reverse_debit(
    store_hash: str,
    grant_id: str,
    debit_id: str,
    listed: list[OrderRefund],
    lines: list[RefundedLine],
    total: Decimal,
    deps: AllotmentDeps,
) -> int:
    """Every refund's part of one debit not given back yet, in one write; how many."""
    record = deps.grants.get(store_hash, grant_id)
    debit = deps.grants.debit(store_hash, grant_id, debit_id)
    if record is None or debit is None or record.grant.status is GrantStatus.REVOKED:
        return 0  # a grant that is gone, or ended for good, takes nothing back
    grant, now = record.grant, deps.clock.now()
    terms = DebitTerms(
        unit=grant.unit, order_debit=grant.order_debit, product_ids=grant.product_ids
    )
    parts = 0
    owed = dues(terms, lines, total, (debit.amount, debit.requested_amount), listed)
    for refund, due in zip(listed, owed, strict=True):
        part = grant.reverse_refunded(
            debit, reversal_id=reversal_id(refund.id), due=due, now=now, reason="refund"
        )
        if part > 0:
            parts += 1
    if parts:
        write_grant(deps.grants, GrantChange(grant, record.version, saved_debit=debit))
    return parts
