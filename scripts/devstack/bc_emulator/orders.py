"""Order objects in the v2 shape: lines, product options, totals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .catalog_modifiers import catalog_labels
from .state import STATUS_NAMES, Store, money, rfc2822

UNPAID_STATUSES = frozenset({0, 1, 6, 7})


def add_order(
    store: Store,
    customer_id: int,
    lines: list[dict[str, Any]],
    *,
    status_id: int,
    currency: str,
    source: str,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Store a new order and its lines; returns the order as `GET /v2/orders/{id}` shows it."""
    order_id = store.take_id("order_id")
    stored = [_line(store, order_id, line) for line in lines]
    store.lines[order_id] = stored
    sub_ex = sum((Decimal(line["total_ex_tax"]) for line in stored), Decimal(0))
    sub_inc = sum((Decimal(line["total_inc_tax"]) for line in stored), Decimal(0))
    base, now = f"/stores/{store.hash}/v2/orders/{order_id}", rfc2822()
    order = {
        "id": order_id,
        "customer_id": customer_id,
        "status_id": status_id,
        "status": STATUS_NAMES[status_id],
        "payment_status": "",
        "payment_method": "",
        "currency_code": currency,
        "default_currency_code": currency,
        "subtotal_ex_tax": money(sub_ex),
        "subtotal_inc_tax": money(sub_inc),
        "subtotal_tax": money(sub_inc - sub_ex),
        "total_ex_tax": money(sub_ex),
        "total_inc_tax": money(sub_inc),
        "total_tax": money(sub_inc - sub_ex),
        "items_total": sum(line["quantity"] for line in stored),
        "items_shipped": 0,
        "external_source": None,
        "external_order_id": "",
        "staff_notes": "",
        "customer_message": "",
        "order_source": source,
        "channel_id": 1,
        "billing_address": store.address(customer_id),
        "shipping_address_count": 0,
        "date_created": now,
        "date_modified": now,
        "products": {"url": f"{base}/products", "resource": f"/orders/{order_id}/products"},
        "shipping_addresses": {
            "url": f"{base}/shipping_addresses",
            "resource": f"/orders/{order_id}/shipping_addresses",
        },
        **extra,
    }
    store.orders[order_id] = order
    store.transactions[order_id] = []
    store.shipping[order_id] = []
    return order


def _line(store: Store, order_id: int, line: dict[str, Any]) -> dict[str, Any]:
    product = store.products[int(line["product_id"])]
    default = line.get("price", product["price"])
    ex = Decimal(str(line.get("price_ex_tax", default)))
    inc = Decimal(str(line.get("price_inc_tax", default)))
    qty, line_id = int(line["quantity"]), store.take_id("line_id")
    options = line.get("product_options") or []
    return {
        "id": line_id,
        "order_id": order_id,
        "product_id": product["id"],
        "variant_id": int(line.get("variant_id") or 0),
        "name": product["name"],
        "sku": product["sku"],
        "type": "physical",
        "quantity": qty,
        "base_price": money(ex),
        "price_ex_tax": money(ex),
        "price_inc_tax": money(inc),
        "price_tax": money(inc - ex),
        "base_total": money(ex * qty),
        "total_ex_tax": money(ex * qty),
        "total_inc_tax": money(inc * qty),
        "total_tax": money((inc - ex) * qty),
        "quantity_shipped": 0,
        "product_options": [
            _option(store, product["id"], line_id, n, o) for n, o in enumerate(options, 1)
        ],
    }


def _option(
    store: Store, product_id: int, line_id: int, n: int, given: dict[str, Any]
) -> dict[str, Any]:
    """Checkout lines carry labels; API lines only `{id, value}`, so labels are looked up."""
    option_id = int(
        given.get("option_id") or given.get("product_option_id") or given.get("id") or 0
    )
    value = str(given.get("value", ""))
    key = (product_id, option_id, value)
    if "display_name" in given or "display_value" in given:
        labels = (str(given.get("display_name", "")), str(given.get("display_value", value)))
        store.option_labels[key] = labels
    name, display = catalog_labels(store, product_id, option_id, value) or store.option_labels.get(
        key, ("", value)
    )
    return {
        "id": line_id * 100 + n,
        "option_id": option_id,
        "order_product_id": line_id,
        "product_option_id": option_id,
        "display_name": name,
        "display_value": display,
        "value": value,
        "type": "Multiple choice",
        "name": name,
        "display_style": "Dropdown",
    }


def checkout_order(
    store: Store,
    customer_id: int,
    lines: list[dict[str, Any]],
    *,
    save_card: bool,
    status_id: int,
    currency: str,
    shipping_method: str | None = "Flat Rate",
) -> dict[str, Any]:
    """A storefront order paid by card at checkout, with its `purchase` transaction.

    It ships to the shopper's address by `shipping_method` (None: a digital order, no address).
    """
    order = add_order(
        store,
        customer_id,
        lines,
        status_id=status_id,
        currency=currency,
        source="www",
        extra={"payment_method": "Credit Card"},
    )
    if shipping_method is not None:
        address = {**store.address(customer_id), "shipping_method": shipping_method}
        store.shipping[order["id"]] = [{"id": 1, "order_id": order["id"], **address}]
        order["shipping_address_count"] = 1
    if status_id not in UNPAID_STATUSES:
        customer = store.customers.get(customer_id)
        token = customer.instrument_token if customer and save_card else None
        store.record_transaction(order, "purchase", "ok", token)
        order["payment_status"] = "captured"
    return order
