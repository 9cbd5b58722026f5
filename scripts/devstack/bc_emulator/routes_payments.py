"""Payments: access tokens (v3), stored-card payments (payments host), order transactions (v3)."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, jsonify, request

from .auth import authorized_store
from .state import DECLINES

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

PAT_TTL_S = 3600


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    from .app import error

    @app.post("/stores/<store_hash>/v3/payments/access_tokens")
    def create_pat(store_hash: str) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            order_id = int(((request.get_json(silent=True) or {}).get("order") or {}).get("id", 0))
            order = store.orders.get(order_id)
            if order is None:
                return error(422, "Order not found", code=30003)
            if order["status_id"] != 0:
                return error(422, "Order is invalid", code=30101)
            token = f"eyJ.{uuid.uuid4().hex}.pat"
            store.pats[token] = {
                "order_id": order_id,
                "amount": order["total_inc_tax"],
                "expires": time.time() + PAT_TTL_S,
                "used": False,
            }
            response = jsonify({"data": {"id": token}, "meta": {}})
            response.status_code = 201
            return response

    @app.post("/stores/<store_hash>/payments")
    def pay(store_hash: str) -> Any:
        with emu.lock:
            store = emu.stores.get(store_hash)
            auth = request.headers.get("Authorization", "")
            pat = (
                store.pats.get(auth.removeprefix("PAT "))
                if store and auth.startswith("PAT ")
                else None
            )
            if store is None or pat is None:
                return error(401, "Unauthorized")
            if request.headers.get("Accept") != "application/vnd.bc.v1+json":
                return error(406, "Not Acceptable")
            if pat["used"] or pat["expires"] < time.time():
                return error(422, "Payment access token is no longer valid", code=30100)
            order = store.orders[pat["order_id"]]
            if order["status_id"] != 0:
                return error(422, "Order is invalid", code=30101)
            payment = (request.get_json(silent=True) or {}).get("payment") or {}
            token = (payment.get("instrument") or {}).get("token")
            customer = store.customers.get(order["customer_id"])
            if customer is None or not token or customer.instrument_token != token:
                return error(422, "Stored payment instrument could not be found", code=30051)
            if Decimal(order["total_inc_tax"]) != Decimal(pat["amount"]):
                return error(422, "Line item or grand total validation mismatch", code=30004)
            if customer.card in DECLINES:
                store.record_transaction(
                    order, "purchase", "error", customer, payment.get("payment_method_id", "")
                )
                return error(422, "Payment was declined", code=DECLINES[customer.card])
            pat["used"] = True
            kind = "authorization" if store.gateway_mode == "authorization" else "purchase"
            tx = store.record_transaction(
                order, kind, "ok", customer, payment.get("payment_method_id", "")
            )
            previous = store.set_status(order, 11)
            order["payment_status"] = "authorized" if kind == "authorization" else "captured"
            order["payment_method"] = "Credit Card"
            emu.queue_webhook(
                store,
                "store/order/statusUpdated",
                {
                    "type": "order",
                    "id": order["id"],
                    "status": {"previous_status_id": previous, "new_status_id": 11},
                },
            )
            response = jsonify(
                {
                    "data": {
                        "id": tx["gateway_transaction_id"],
                        "transaction_type": kind,
                        "status": "success",
                    }
                }
            )
            response.status_code = 201
            return response

    @app.get("/stores/<store_hash>/v3/orders/<int:order_id>/transactions")
    def transactions(store_hash: str, order_id: int) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            if order_id not in store.orders:
                return error(404, "The requested resource was not found.")
            txs = store.transactions[order_id]
            return jsonify({"data": txs, "meta": {}}) if txs else Response(status=204)
