"""v2 orders: list (with filters), create, read, status update, products."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, Response, jsonify, request

from .auth import authorized_store
from .state import STATUS_NAMES, rfc2822

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

ORDER_FIELDS = (
    "customer_id",
    "external_source",
    "external_order_id",
    "staff_notes",
    "customer_message",
)


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    from .app import error

    @app.get("/stores/<store_hash>/v2/orders")
    def list_orders(store_hash: str) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            orders = sorted(store.orders.values(), key=lambda o: o["id"])
            if ext := request.args.get("external_order_id"):
                orders = [o for o in orders if o.get("external_order_id") == ext]
            if status := request.args.get("status_id"):
                orders = [o for o in orders if o["status_id"] == int(status)]
            page, limit = (
                int(request.args.get("page", 1)),
                min(int(request.args.get("limit", 50)), 250),
            )
            orders = orders[(page - 1) * limit : page * limit]
            return jsonify(orders) if orders else Response(status=204)

    @app.post("/stores/<store_hash>/v2/orders")
    def create_order(store_hash: str) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            body = request.get_json(silent=True) or {}
            problem = _invalid(body, store.products)
            if problem:
                return error(400, "The request is invalid", details={"invalid_reason": problem})
            extra = {k: body[k] for k in ORDER_FIELDS if k in body}
            extra["billing_address"] = {
                **store.address(int(body.get("customer_id", 0))),
                **body["billing_address"],
            }
            order = store.add_order(
                int(body.get("customer_id", 0)),
                body["products"],
                status_id=int(body.get("status_id", 1)),
                source="external",
                currency=body.get("default_currency_code") or store.currency,
                extra=extra,
            )
            emu.queue_webhook(store, "store/order/created", {"type": "order", "id": order["id"]})
            response = jsonify(order)
            response.status_code = 201
            return response

    @app.get("/stores/<store_hash>/v2/orders/<int:order_id>")
    def get_order(store_hash: str, order_id: int) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            order = store.orders.get(order_id)
            return jsonify(order) if order else error(404, "The requested resource was not found.")

    @app.put("/stores/<store_hash>/v2/orders/<int:order_id>")
    def update_order(store_hash: str, order_id: int) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            order = store.orders.get(order_id)
            if order is None:
                return error(404, "The requested resource was not found.")
            new_status = int(
                (request.get_json(silent=True) or {}).get("status_id", order["status_id"])
            )
            if new_status not in STATUS_NAMES:
                return error(400, "The request is invalid", details={"invalid_reason": "status_id"})
            previous = store.set_status(order, new_status)
            if previous != new_status:
                data = {
                    "type": "order",
                    "id": order_id,
                    "status": {"previous_status_id": previous, "new_status_id": new_status},
                }
                emu.queue_webhook(store, "store/order/statusUpdated", data)
            order["date_modified"] = rfc2822()
            return jsonify(order)

    @app.get("/stores/<store_hash>/v2/orders/<int:order_id>/products")
    def order_products(store_hash: str, order_id: int) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            if order_id not in store.orders:
                return error(404, "The requested resource was not found.")
            page, limit = (
                int(request.args.get("page", 1)),
                min(int(request.args.get("limit", 50)), 250),
            )
            return jsonify(store.lines[order_id][(page - 1) * limit : page * limit])


def _invalid(body: dict[str, Any], products: dict[int, Any]) -> str | None:
    address = body.get("billing_address")
    if not isinstance(address, dict) or len(str(address.get("zip", ""))) < 2:
        return "billing_address with a zip of at least 2 characters is required"
    lines = body.get("products")
    if not isinstance(lines, list) or not lines:
        return "products is required"
    for line in lines:
        if int(line.get("product_id", 0)) not in products:
            return f"product {line.get('product_id')} does not exist"
        if ("price_ex_tax" in line) != ("price_inc_tax" in line):
            return "override both price_ex_tax and price_inc_tax, or neither"
        if int(line.get("quantity", 0)) < 1:
            return "quantity must be at least 1"
    return None
