"""Orders v3 refunds: the refunds of one order (`GET .../payment_actions/refunds`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask

from .auth import store_view
from .responses import NOT_FOUND, json_response, v3_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add the refund routes to `app`."""

    @app.get("/stores/<store_hash>/v3/orders/<int:order_id>/payment_actions/refunds")
    @store_view(emu)
    def order_refunds(store: Store, order_id: int) -> Any:
        if order_id not in store.orders:
            return v3_error(404, NOT_FOUND)
        # Lowest id first; an order without refunds is an empty list (the spec has no 204).
        return json_response({"data": store.refunds.get(order_id, []), "meta": {}})
