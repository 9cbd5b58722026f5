"""Orders debit their holder's grants (refunds give back their part: `refund_reversals.py`).

`store/order/created` debits each active grant of the order's customer that debits orders,
by what the grant counts (the order's total, its items, or the order itself). The debit's id
is the order's, so a duplicate webhook debits nothing more. An order already placed is
never refused: a grant that cannot cover it all covers what it has left.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from ..domain.allotments import (
    AllotmentGrant,
    AllotmentUnit,
    DebitSource,
    GrantStatus,
    OrderDebit,
    order_debit_amount,
)
from ..observability import logger
from .allotments import MAX_PAGE, AllotmentDeps, debit_allotment
from .capture_from_order import RENEWAL_ORDER_PREFIX

if TYPE_CHECKING:
    from ..ports.allotment_storage import AllotmentRepository
    from ..ports.bigcommerce import BigCommerce, Order, OrderWithConsignments
    from .order_status import Reaction, StatusChange

# Incomplete (a checkout not finished, or one of our renewals being made), Cancelled, Declined:
# the holder has not placed these orders.
NOT_PLACED = frozenset({0, 5, 6})


def debit_from_order(
    store_hash: str,
    order_id: int,
    *,
    bc: BigCommerce,
    deps: AllotmentDeps,
    app_id: str,
    listed: Order | None = None,
) -> str:
    """What the order did to allotments: `debited:N`, or why it did nothing.

    `listed` is the order as a listing gave it (reconciliation): its customer's grants are
    looked at before its lines are read, so an order nobody's grant debits costs no call.
    """
    if not deps.grants.page(store_hash, customer_id=None, cursor=None, limit=1).grants:
        return "no_allotments"  # the store grants none: no BigCommerce call spent
    if listed is not None and (why := _not_debiting(listed, app_id)) is not None:
        return why
    if listed is not None and not _debiting_grants(deps.grants, store_hash, listed.customer_id):
        return "debited:0"
    order = bc.get_order_with_consignments(store_hash, order_id)
    if (why := _not_debiting(order, app_id)) is not None:
        return why
    debited = 0
    for grant in _debiting_grants(deps.grants, store_hash, order.customer_id):
        amount = _amount(grant, order)
        if amount <= 0:
            continue
        outcome = debit_allotment(
            store_hash,
            grant.id,
            amount=amount,
            source=DebitSource(kind="order", id=str(order_id)),
            deps=deps,
            reason="order",
            partial=True,
        )
        if outcome.debit is not None and not outcome.duplicate:
            debited += 1
    logger.info("order debited allotments", order_id=order_id, debited=debited)
    return f"debited:{debited}"


def _not_debiting(order: Order, app_id: str) -> str | None:
    """Why this order debits no grant (a guest's, one of our renewals, not placed), or None."""
    if order.customer_id == 0:
        return "guest_order"
    if (order.external_order_id or "").startswith(RENEWAL_ORDER_PREFIX) or (
        app_id and order.external_source == app_id
    ):
        return "own_renewal"
    if order.status_id in NOT_PLACED:
        return "not_placed"
    return None


def debit_when_placed(debit: Callable[[str, int], str]) -> Reaction:
    """`store/order/statusUpdated`: an order left Incomplete (or Declined) at creation is
    placed later; it debits then (once: the order is the debit's key)."""

    def reaction(change: StatusChange) -> str | None:
        if change.previous_status_id not in NOT_PLACED or change.new_status_id in NOT_PLACED:
            return None
        outcome = debit(change.store_hash, change.order_id)
        # Only what touched an allotment is worth naming in the delivery's outcome.
        touched = outcome.startswith("debited:") and outcome != "debited:0"
        return f"allotments_{outcome}" if touched else None

    return reaction


def _debiting_grants(
    grants: AllotmentRepository, store_hash: str, customer_id: int
) -> list[AllotmentGrant]:
    found: list[AllotmentGrant] = []
    cursor: str | None = None
    while True:
        page = grants.page(store_hash, customer_id=customer_id, cursor=cursor, limit=MAX_PAGE)
        found += [
            g
            for g in page.grants
            if g.status is GrantStatus.ACTIVE and g.order_debit is not OrderDebit.NONE
        ]
        if (cursor := page.cursor) is None:
            return found


def _amount(grant: AllotmentGrant, order: OrderWithConsignments) -> Decimal:
    # A wallet debits orders paid in its own currency only (the transactional one).
    currency = order.default_currency_code or order.currency_code
    if grant.unit is AllotmentUnit.CURRENCY and currency != grant.currency_code:
        return Decimal(0)
    lines = [
        (line.product_id, line.quantity, line.price_inc_tax * line.quantity) for line in order.lines
    ]
    amount = order_debit_amount(grant, order.total_inc_tax, lines)
    if grant.unit is AllotmentUnit.CURRENCY:
        # BigCommerce keeps four decimal places; a wallet counts cents.
        return amount.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return amount
