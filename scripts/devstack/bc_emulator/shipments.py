"""v2 shipments: the merchant ships (part of) an order; `store/shipment/created` fires."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import Store, rfc2822

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

SHIPPED, PARTIALLY_SHIPPED = 2, 3


class ShipmentRefused(ValueError):
    """What BigCommerce answers with a 400 to `POST /v2/orders/{id}/shipments`."""


def shipment_problem(store: Store, order_id: int, order_address_id: Any) -> str | None:
    """Why a shipment of the order to `order_address_id` would be refused, or None."""
    addresses = {int(a["id"]) for a in store.shipping.get(order_id, [])}
    if not addresses:
        return "The order has no shipping address: a shipment needs an 'order_address_id'."
    if order_address_id is None or str(order_address_id).strip() == "":
        return "The required field 'order_address_id' was not supplied."
    try:
        wanted = int(order_address_id)
    except (TypeError, ValueError):
        return "The field 'order_address_id' is invalid."
    if wanted not in addresses:
        return f"The field 'order_address_id' is invalid: {wanted} is not an address of the order."
    return None


def ship(
    emu: BigCommerceEmulator,
    store: Store,
    order_id: int,
    items: list[dict[str, Any]] | None,
    order_address_id: int,
) -> dict[str, Any]:
    """Record a shipment of `items` (every unshipped line when None) and fire its webhooks."""
    order = store.orders[order_id]
    lines = {line["id"]: line for line in store.lines[order_id]}
    if items is None:
        items = [
            {
                "order_product_id": line["id"],
                "quantity": line["quantity"] - line["quantity_shipped"],
            }
            for line in lines.values()
            if line["quantity"] > line["quantity_shipped"]
        ]
    for item in items:
        line = lines[int(item["order_product_id"])]
        line["quantity_shipped"] += int(item["quantity"])
    shipment = {
        "id": store.take_id("shipment_id"),
        "order_id": order_id,
        "customer_id": order["customer_id"],
        "order_address_id": order_address_id,
        "date_created": rfc2822(),
        "tracking_number": "",
        "items": [
            {
                "order_product_id": int(i["order_product_id"]),
                "product_id": lines[int(i["order_product_id"])]["product_id"],
                "quantity": int(i["quantity"]),
            }
            for i in items
        ],
    }
    store.shipments.setdefault(order_id, []).append(shipment)
    done = all(line["quantity_shipped"] >= line["quantity"] for line in lines.values())
    status = SHIPPED if done else PARTIALLY_SHIPPED
    previous = store.set_status(order, status)
    emu.queue_webhook(
        store,
        "store/shipment/created",
        {"type": "shipment", "id": shipment["id"], "orderId": order_id},
    )
    if previous != status:
        emu.outbox.status_change(store, order_id, previous, status)
    return shipment
