"""Order objects in the v2 shape: lines, product options, totals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .catalog_modifiers import catalog_labels
from .state import STATUS_NAMES, Store, money, rfc2822

ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "street_1",
    "street_2",
    "city",
    "state",
    "zip",
    "country",
    "country_iso2",
    "phone",
    "email",
    "shipping_method",
)

UNPAID_STATUSES = frozenset({0, 1, 6, 7})
PAYMENT_METHOD_NAMES = {
    "stored_card": "Credit Card",
    "stored_paypal_account": "PayPal",
    "stored_bank_account": "Bank Account",
}


def add_order(
    store: Store,
    customer_id: int,
    lines: list[dict[str, Any]],
    *,
    status_id: int,
    currency: str,
    source: str,
    extra: dict[str, Any],
    display_currency: str | None = None,
    shipping: tuple[Decimal, Decimal] = (Decimal(0), Decimal(0)),
) -> dict[str, Any]:
    """Store a new order and its lines; returns the order as `GET /v2/orders/{id}` shows it.

    `currency` is the transactional one (what the shopper pays in), `display_currency` what
    the storefront showed; `shipping` the (ex tax, inc tax) shipping cost."""
    order_id = store.take_id("order_id")
    stored = [_line(store, order_id, line) for line in lines]
    store.lines[order_id] = stored
    sub_ex = sum((Decimal(line["total_ex_tax"]) for line in stored), Decimal(0))
    sub_inc = sum((Decimal(line["total_inc_tax"]) for line in stored), Decimal(0))
    ship_ex, ship_inc = shipping
    base, now = f"/stores/{store.hash}/v2/orders/{order_id}", rfc2822()
    order = {
        "id": order_id,
        "customer_id": customer_id,
        "status_id": status_id,
        "status": STATUS_NAMES[status_id],
        "payment_status": "",
        "payment_method": "",
        "currency_code": display_currency or currency,
        "currency_exchange_rate": "1.0000000000",
        "default_currency_code": currency,
        "store_default_currency_code": store.currency,
        "subtotal_ex_tax": money(sub_ex),
        "subtotal_inc_tax": money(sub_inc),
        "subtotal_tax": money(sub_inc - sub_ex),
        "base_shipping_cost": money(ship_ex),
        "shipping_cost_ex_tax": money(ship_ex),
        "shipping_cost_inc_tax": money(ship_inc),
        "shipping_cost_tax": money(ship_inc - ship_ex),
        "total_ex_tax": money(sub_ex + ship_ex),
        "total_inc_tax": money(sub_inc + ship_inc),
        "total_tax": money(sub_inc + ship_inc - sub_ex - ship_ex),
        "refunded_amount": money(Decimal(0)),
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
        "consignments": {
            "url": f"{base}/consignments",
            "resource": f"/orders/{order_id}/consignments",
        },
        **extra,
    }
    store.orders[order_id] = order
    store.transactions[order_id] = []
    store.shipping[order_id] = []
    store.consignment_lines[order_id] = {}
    return order


def add_addresses(store: Store, order: dict[str, Any], destinations: list[dict[str, Any]]) -> None:
    """The order's shipping addresses; each destination may name its `line_ids` (default:
    the first address carries every line) and its `cost_ex_tax`/`cost_inc_tax`."""
    order_id, rows = order["id"], []
    lines = store.lines[order_id]
    for n, given in enumerate(destinations):
        address_id = store.take_id("address_id")
        line_ids = given.get("line_ids")
        if line_ids is None:
            line_ids = [line["id"] for line in lines] if n == 0 else []
        ex = Decimal(str(given.get("cost_ex_tax", 0)))
        inc = Decimal(str(given.get("cost_inc_tax", ex)))
        fields = {k: v for k, v in given.items() if k in ADDRESS_FIELDS}
        rows.append(
            {
                "id": address_id,
                "order_id": order_id,
                **{k: "" for k in ADDRESS_FIELDS},
                **fields,
                "items_total": sum(ln["quantity"] for ln in lines if ln["id"] in line_ids),
                "items_shipped": 0,
                "base_cost": money(ex),
                "cost_ex_tax": money(ex),
                "cost_inc_tax": money(inc),
                "cost_tax": money(inc - ex),
            }
        )
        store.consignment_lines[order_id][address_id] = list(line_ids)
    store.shipping[order_id] = rows
    order["shipping_address_count"] = len(rows)


def with_consignments(store: Store, order: dict[str, Any], structure: str | None) -> Any:
    """The order with `consignments` filled in (`include=consignments.line_items`): each
    shipping address with its lines, the lines shipping nowhere as a download."""
    order_id = order["id"]
    by_id = {line["id"]: line for line in store.lines[order_id]}
    shipping, placed = [], set()
    for row in store.shipping[order_id]:
        ids = store.consignment_lines[order_id].get(row["id"], [])
        placed.update(ids)
        consignment = {k: v for k, v in row.items() if k != "order_id"}
        # Consignment costs are numbers, where the address resource has strings.
        for key in ("base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax"):
            consignment[key] = float(Decimal(row[key]))
        consignment["line_items"] = [dict(by_id[i]) for i in ids]
        shipping.append(consignment)
    rest = [dict(line) for i, line in by_id.items() if i not in placed]
    consignments = {
        "pickups": [],
        "shipping": shipping,
        "downloads": [{"recipient_email": "", "line_items": rest}] if rest else [],
        "email": {"gift_certificates": []},
    }
    return {**order, "consignments": consignments if structure == "object" else [consignments]}


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
        "quantity_refunded": 0,
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
    display_currency: str | None = None,
    channel_id: int = 1,
    destinations: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A storefront order paid at checkout with the shopper's instrument, with its transaction.

    It ships to the shopper's address by `shipping_method` (None: a digital order, no address),
    or to `destinations` (address fields, `shipping_method`, `cost_ex_tax`/`cost_inc_tax` and
    the indexes of the `lines` shipping there as `lines`).
    """
    if currency not in store.transactional_currencies:
        raise ValueError(f"{currency} is not a transactional currency of {store.hash}")
    if channel_id not in store.channels:
        raise ValueError(f"channel {channel_id} does not exist in {store.hash}")
    if destinations is None:
        destinations = [] if shipping_method is None else [{"shipping_method": shipping_method}]
    ship_ex = sum((Decimal(str(d.get("cost_ex_tax", 0))) for d in destinations), Decimal(0))
    ship_inc = sum(
        (Decimal(str(d.get("cost_inc_tax", d.get("cost_ex_tax", 0)))) for d in destinations),
        Decimal(0),
    )
    customer = store.customers.get(customer_id)
    kind = customer.instrument_type if customer else "stored_card"
    order = add_order(
        store,
        customer_id,
        lines,
        status_id=status_id,
        currency=currency,
        source="www",
        extra={"payment_method": PAYMENT_METHOD_NAMES[kind], "channel_id": channel_id},
        display_currency=display_currency,
        shipping=(ship_ex, ship_inc),
    )
    ids = [line["id"] for line in store.lines[order["id"]]]
    add_addresses(
        store,
        order,
        [
            {
                **store.address(customer_id),
                **{k: v for k, v in d.items() if k != "lines"},
                **({"line_ids": [ids[i] for i in d["lines"]]} if "lines" in d else {}),
            }
            for d in destinations
        ],
    )
    if status_id not in UNPAID_STATUSES:
        customer = store.customers.get(customer_id)
        token = customer.instrument_token if customer and save_card else None
        store.record_transaction(order, "purchase", "ok", token)
        order["payment_status"] = "captured"
    return order
