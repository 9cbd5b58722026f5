"""Capture and void of an authorized order: accepted at once, answered by the gateway later.

BigCommerce answers `POST /v3/orders/{id}/payment_actions/capture|void` with 201 and moves
`payment_status` to `capture pending` / `void pending`; the gateway's answer arrives as a
transaction (`event` capture or void, `status` ok or error). Here the gateway answers just
before the order's transactions are next read (or when `settle` is called).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Response

from .responses import json_response, v3_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

PENDING_STATUS = {"capture": "capture pending", "void": "void pending"}
DONE_STATUS = {"capture": "captured", "void": "void"}


def request_action(store: Store, order_id: int, action: str) -> Response:
    """Accept a capture or void of an order whose payment is an open authorization."""
    order = store.orders.get(order_id)
    if order is None:
        return v3_error(404, "The requested resource was not found.")
    if order.get("payment_status") != "authorized" or order_id in store.pending_actions:
        return v3_error(422, f"The order's payment cannot be {action}d in its current state")
    store.pending_actions[order_id] = action
    order["payment_status"] = PENDING_STATUS[action]
    return json_response({"data": {}, "meta": {}}, 201)


def settle(emu: BigCommerceEmulator, store: Store, order_id: int) -> None:
    """The gateway answers a pending capture or void with a transaction (and its webhook)."""
    action = store.pending_actions.pop(order_id, None)
    if action is None:
        return
    order: dict[str, Any] = store.orders[order_id]
    ok = action == "void" or store.capture_behavior == "ok"
    token = next((t["payment_instrument_token"] for t in store.transactions[order_id]), None)
    tx = store.record_transaction(order, action, "ok" if ok else "error", token)
    order["payment_status"] = DONE_STATUS[action] if ok else "authorized"
    emu.outbox.transaction(store, order_id, tx["id"])
