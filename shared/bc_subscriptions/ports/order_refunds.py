"""The refunds of a BigCommerce order, as the refund arithmetic reads them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..domain.refund_coverage import OrderRefund


class OrderRefunds(Protocol):
    def list_order_refunds(self, store_hash: str, order_id: int) -> list[OrderRefund]:
        """Every refund of the order, lowest id first (none: an empty list)."""
        ...
