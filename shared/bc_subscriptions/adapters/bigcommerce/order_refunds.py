"""`GET /v3/orders/{id}/payment_actions/refunds`: an order's refunds, item by item.

BigCommerce types a refund item's `requested_amount` as a number in this list (a string, or
null, in the single-refund read), fills `quantity` for lines only and the amount for the rest,
and lists what was kept back of a line as negative `adjustments`. Each of a refund's payments
says whether the payment provider declined it (`is_declined`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from msgspec import Struct, field

from ...domain.refund_coverage import OrderRefund, RefundItem
from ...ports.bigcommerce import finite

if TYPE_CHECKING:
    from .rest import StoreApi


class _Adjustment(Struct, kw_only=True):
    amount: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        finite(self.amount)


class _Item(Struct, kw_only=True):
    item_type: str
    item_id: int
    quantity: int | None = None
    requested_amount: Decimal | None = None
    adjustments: list[_Adjustment] = field(default_factory=list)

    def __post_init__(self) -> None:
        finite(self.requested_amount)


class _Payment(Struct, kw_only=True):
    is_declined: bool = False


class _Refund(Struct, kw_only=True):
    id: int
    order_id: int
    total_amount: Decimal = Decimal(0)
    items: list[_Item] = field(default_factory=list)
    payments: list[_Payment] = field(default_factory=list)

    def __post_init__(self) -> None:
        finite(self.total_amount)


class BigCommerceOrderRefunds:
    def __init__(self, rest: StoreApi) -> None:
        self._rest = rest

    def list_order_refunds(self, store_hash: str, order_id: int) -> list[OrderRefund]:
        """Every refund of the order, lowest id first."""
        path = f"/v3/orders/{order_id}/payment_actions/refunds"
        found = self._rest.many(_Refund, store_hash, "GET", path, envelope=True)
        return [_refund(r) for r in sorted(found, key=lambda r: r.id) if r.order_id == order_id]


def _refund(refund: _Refund) -> OrderRefund:
    items = tuple(
        RefundItem(
            item_type=item.item_type,
            item_id=item.item_id,
            quantity=item.quantity or 0,
            # A line's money follows from its quantity; only the rest is refunded by amount.
            amount=Decimal(0) if item.item_type == "PRODUCT" else _amount(item),
            adjustment=min(sum((a.amount for a in item.adjustments), Decimal(0)), Decimal(0)),
        )
        for item in refund.items
    )
    # A refund with a payment the provider declined did not (all) reach the shopper: the
    # stricter reading counts none of it, rather than guess which of its items were paid.
    declined = any(p.is_declined for p in refund.payments)
    return OrderRefund(
        id=refund.id, total_amount=refund.total_amount, items=items, declined=declined
    )


def _amount(item: _Item) -> Decimal:
    return max(item.requested_amount or Decimal(0), Decimal(0))
