"""v2 orders: list (with filters), create, read, status update, products, shipping addresses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, request

from .auth import store_view
from .catalog_modifiers import invalid_order_options
from .filters import invalid_new_order, matching, page
from .orders import add_order
from .responses import NOT_FOUND, json_response, no_content, v2_error
from .shipments import ship
from .state import STATUS_NAMES, Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

# Writable order fields the emulator keeps as given.
KEPT_FIELDS = ("external_source", "external_order_id", "staff_notes", "customer_message")


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add the v2 order routes to `app`."""

    @app.get("/stores/<store_hash>/v2/orders")
    @store_view(emu)
    def list_orders(store: Store) -> Any:
        found = page(matching(list(store.orders.values()), request.args), request.args)
        return json_response(found) if found else no_content()

    @app.post("/stores/<store_hash>/v2/orders")
    @store_view(emu)
    def create_order(store: Store) -> Any:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return v2_error(400, "The request body is not valid JSON.")
        problem = invalid_new_order(body, store.products) or invalid_order_options(
            store, body["products"], storefront=False
        )
        if problem:
            return v2_error(400, problem, invalid_reason=problem)
        customer_id = int(body.get("customer_id") or 0)
        extra: dict[str, Any] = {k: body[k] for k in KEPT_FIELDS if k in body}
        extra["billing_address"] = {**store.address(customer_id), **body["billing_address"]}
        extra["payment_method"] = body.get("payment_method", "")
        order = add_order(
            store,
            customer_id,
            body["products"],
            status_id=int(body.get("status_id", 1)),
            currency=body.get("default_currency_code") or store.currency,
            source="external",
            extra=extra,
        )
        store.shipping[order["id"]] = [
            {"id": n, "order_id": order["id"], **address}
            for n, address in enumerate(body.get("shipping_addresses") or [], 1)
        ]
        order["shipping_address_count"] = len(store.shipping[order["id"]])
        # BigCommerce fires order/created for API-created orders too (our renewals).
        emu.queue_webhook(store, "store/order/created", {"type": "order", "id": order["id"]})
        return json_response(order)  # the spec documents 200 for this create

    @app.get("/stores/<store_hash>/v2/orders/<int:order_id>")
    @store_view(emu)
    def get_order(store: Store, order_id: int) -> Any:
        order = store.orders.get(order_id)
        return json_response(order) if order else v2_error(404, NOT_FOUND)

    @app.put("/stores/<store_hash>/v2/orders/<int:order_id>")
    @store_view(emu)
    def update_order(store: Store, order_id: int) -> Any:
        order = store.orders.get(order_id)
        if order is None:
            return v2_error(404, NOT_FOUND)
        body = request.get_json(silent=True) or {}
        new_status = int(body.get("status_id", order["status_id"]))
        if new_status not in STATUS_NAMES:
            return v2_error(400, "The field 'status_id' is invalid.")
        order.update({k: body[k] for k in ("staff_notes", "customer_message") if k in body})
        previous = store.set_status(order, new_status)
        if previous != new_status:
            emu.outbox.status_change(store, order_id, previous, new_status)
        return json_response(order)

    @app.get("/stores/<store_hash>/v2/orders/<int:order_id>/products")
    @store_view(emu)
    def order_products(store: Store, order_id: int) -> Any:
        if order_id not in store.orders:
            return v2_error(404, NOT_FOUND)
        found = page(store.lines[order_id], request.args)
        return json_response(found) if found else no_content()

    @app.get("/stores/<store_hash>/v2/orders/<int:order_id>/shipping_addresses")
    @store_view(emu)
    def shipping_addresses(store: Store, order_id: int) -> Any:
        if order_id not in store.orders:
            return v2_error(404, NOT_FOUND)
        found = store.shipping[order_id]
        return json_response(found) if found else no_content()

    @app.post("/stores/<store_hash>/v2/orders/<int:order_id>/shipments")
    @store_view(emu)
    def create_shipment(store: Store, order_id: int) -> Any:
        if order_id not in store.orders:
            return v2_error(404, NOT_FOUND)
        body = request.get_json(silent=True) or {}
        items = body.get("items")
        if not isinstance(items, list) or not items:
            return v2_error(400, "The field 'items' is invalid.")
        return json_response(ship(emu, store, order_id, items), 201)

    @app.get("/stores/<store_hash>/v2/orders/<int:order_id>/shipments")
    @store_view(emu)
    def list_shipments(store: Store, order_id: int) -> Any:
        if order_id not in store.orders:
            return v2_error(404, NOT_FOUND)
        found = store.shipments.get(order_id, [])
        return json_response(found) if found else no_content()
