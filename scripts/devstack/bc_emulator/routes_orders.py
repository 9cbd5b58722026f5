"""v2 orders: list (with filters), create, read, status update, products, shipping addresses."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import Flask, request

from .auth import store_view
from .catalog_modifiers import invalid_order_options
from .filters import invalid_new_order, matching, page
from .orders import add_addresses, add_order, with_consignments
from .responses import NOT_FOUND, json_response, no_content, v2_error
from .shipments import ship, shipment_problem
from .state import STATUS_NAMES, Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

# Writable order fields the emulator keeps as given.
KEPT_FIELDS = (
    "external_source",
    "external_order_id",
    "staff_notes",
    "customer_message",
    "channel_id",
)
INCLUDES = frozenset({"consignments", "consignments.line_items", "fees"})


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add the v2 order routes to `app`."""

    @app.get("/stores/<store_hash>/v2/orders")
    @store_view(emu)
    def list_orders(store: Store) -> Any:
        # Incomplete orders are listed only when asked for by status (the stricter reading).
        found = page(matching(list(store.orders.values()), request.args), request.args)
        return json_response(found) if found else no_content()

    @app.post("/stores/<store_hash>/v2/orders")
    @store_view(emu)
    def create_order(store: Store) -> Any:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return v2_error(400, "The request body is not valid JSON.")
        problem = invalid_new_order(body, store) or invalid_order_options(
            store, body["products"], storefront=False
        )
        if problem:
            return v2_error(400, problem, invalid_reason=problem)
        customer_id = int(body.get("customer_id") or 0)
        extra: dict[str, Any] = {k: body[k] for k in KEPT_FIELDS if k in body}
        extra["billing_address"] = {**store.address(customer_id), **body["billing_address"]}
        extra["payment_method"] = body.get("payment_method", "")
        shipping = (
            Decimal(str(body.get("shipping_cost_ex_tax", 0))),
            Decimal(str(body.get("shipping_cost_inc_tax", 0))),
        )
        order = add_order(
            store,
            customer_id,
            body["products"],
            status_id=int(body.get("status_id", 1)),
            currency=body.get("default_currency_code") or store.currency,
            source="external",
            extra=extra,
            shipping=shipping,
        )
        # Every line ships with the first address; the order's shipping cost goes there too.
        destinations = [dict(a) for a in body.get("shipping_addresses") or []]
        if destinations:
            destinations[0] |= {"cost_ex_tax": shipping[0], "cost_inc_tax": shipping[1]}
        add_addresses(store, order, destinations)
        # BigCommerce fires order/created for API-created orders too (our renewals).
        emu.queue_webhook(store, "store/order/created", {"type": "order", "id": order["id"]})
        return json_response(order)  # the spec documents 200 for this create

    @app.get("/stores/<store_hash>/v2/orders/<int:order_id>")
    @store_view(emu)
    def get_order(store: Store, order_id: int) -> Any:
        order = store.orders.get(order_id)
        if order is None:
            return v2_error(404, NOT_FOUND)
        includes = {i for i in request.args.get("include", "").split(",") if i}
        if includes - INCLUDES:
            return v2_error(400, "The field 'include' is invalid.")
        structure = request.args.get("consignment_structure")
        if structure not in (None, "object"):
            return v2_error(400, "The field 'consignment_structure' is invalid.")
        if includes & {"consignments", "consignments.line_items"}:
            return json_response(with_consignments(store, order, structure))
        return json_response(order)

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
        address_id = body.get("order_address_id")
        if problem := shipment_problem(store, order_id, address_id):
            return v2_error(400, problem)
        return json_response(ship(emu, store, order_id, items, int(address_id)), 201)

    @app.get("/stores/<store_hash>/v2/orders/<int:order_id>/shipments")
    @store_view(emu)
    def list_shipments(store: Store, order_id: int) -> Any:
        if order_id not in store.orders:
            return v2_error(404, NOT_FOUND)
        found = store.shipments.get(order_id, [])
        return json_response(found) if found else no_content()
