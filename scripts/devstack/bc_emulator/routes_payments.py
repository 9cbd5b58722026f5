"""Payments routes: access tokens (v3), stored-card payments (payments host), transactions (v3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, request

from .auth import store_view
from .instruments import accepted_methods
from .payment_actions import request_action, settle
from .payments import PAYMENTS_ACCEPT, charge, mint_pat
from .responses import NOT_FOUND, json_response, no_content, payment_error, v3_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add the payments routes to `app`."""

    @app.post("/stores/<store_hash>/v3/payments/access_tokens")
    @store_view(emu)
    def create_pat(store: Store) -> Any:
        body = request.get_json(silent=True)
        order_ref = body.get("order") if isinstance(body, dict) else None
        order_id = order_ref.get("id") if isinstance(order_ref, dict) else None
        order = store.orders.get(int(order_id)) if isinstance(order_id, int) else None
        if store.pat_refusal is not None:
            return payment_error(
                422, "Payment access token could not be created", store.pat_refusal
            )
        if order is None:
            return payment_error(422, "Order could not be found", 30003)
        if order["status_id"] != 0:
            return payment_error(422, "Order is invalid", 30101)
        return json_response({"data": {"id": mint_pat(store, order)}, "meta": {}}, 201)

    @app.get("/stores/<store_hash>/v3/payments/methods")
    @store_view(emu)
    def payment_methods(store: Store) -> Any:
        order_id = request.args.get("order_id", "")
        if not order_id.isdigit() and not request.args.get("checkout_id"):
            return payment_error(400, "order_id or checkout_id is required", 10001)
        order = store.orders.get(int(order_id)) if order_id.isdigit() else None
        if order is None:
            return payment_error(400, "Order could not be found", 30003)
        customer = store.customers.get(int(order["customer_id"]))
        return json_response({"data": accepted_methods(store, customer), "meta": {}})

    @app.post("/stores/<store_hash>/payments")
    def pay(store_hash: str) -> Any:
        with emu.lock:
            if request.headers.get("Accept") != PAYMENTS_ACCEPT:
                return v3_error(406, f"Accept must be {PAYMENTS_ACCEPT}")
            store = emu.stores.get(store_hash)
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            if store is None or scheme != "PAT" or not token:
                return v3_error(401, "Unauthorized")
            return charge(emu, store, token, request.get_json(silent=True))

    @app.get("/stores/<store_hash>/v3/orders/<int:order_id>/transactions")
    @store_view(emu)
    def transactions(store: Store, order_id: int) -> Any:
        if order_id not in store.orders:
            return v3_error(404, NOT_FOUND)
        settle(emu, store, order_id)
        found = store.transactions[order_id]
        return json_response({"data": found, "meta": {}}) if found else no_content()

    @app.post("/stores/<store_hash>/v3/orders/<int:order_id>/payment_actions/<action>")
    @store_view(emu)
    def payment_action(store: Store, order_id: int, action: str) -> Any:
        if action not in ("capture", "void"):
            return v3_error(404, NOT_FOUND)
        return request_action(store, order_id, action)
