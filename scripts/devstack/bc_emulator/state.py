"""Emulator state per store: catalog, customers and cards, orders, transactions, PATs, hooks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import format_datetime
from typing import Any

STATUS_NAMES = {
    0: "Incomplete",
    1: "Pending",
    2: "Shipped",
    3: "Partially Shipped",
    4: "Refunded",
    5: "Cancelled",
    6: "Declined",
    7: "Awaiting Payment",
    8: "Awaiting Pickup",
    9: "Awaiting Shipment",
    10: "Completed",
    11: "Awaiting Fulfillment",
    12: "Manual Verification Required",
    13: "Disputed",
    14: "Partially Refunded",
}
DECLINES = {"decline": 30104, "insufficient_funds": 30106, "expired": 30103, "duplicate": 30105}


def money(value: Decimal) -> str:
    return f"{value:.4f}"


def rfc2822(when: datetime | None = None) -> str:
    return format_datetime(when or datetime.now(UTC))


@dataclass
class Customer:
    id: int
    email: str
    first_name: str
    last_name: str
    instrument_token: str | None
    card: str | None


@dataclass
class Store:
    hash: str
    store_id: str
    access_token: str
    gateway_mode: str
    currency: str = "USD"
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    lines: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    transactions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pats: dict[str, dict[str, Any]] = field(default_factory=dict)
    hooks: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_order_id: int = 100
    next_customer_id: int = 1
    next_line_id: int = 1
    next_tx_id: int = 1
    next_hook_id: int = 1

    def address(self, customer_id: int) -> dict[str, Any]:
        c = self.customers.get(customer_id)
        first, last, email = (c.first_name, c.last_name, c.email) if c else ("Guest", "", "")
        return {
            "first_name": first,
            "last_name": last,
            "company": "",
            "street_1": "1 Main St",
            "street_2": "",
            "city": "Austin",
            "state": "Texas",
            "zip": "78701",
            "country": "United States",
            "country_iso2": "US",
            "phone": "",
            "email": email,
        }

    def add_order(
        self,
        customer_id: int,
        lines: list[dict[str, Any]],
        *,
        status_id: int,
        currency: str,
        source: str,
        extra: dict[str, Any],
    ) -> dict[str, Any]:
        order_id, self.next_order_id = self.next_order_id, self.next_order_id + 1
        stored = []
        for line in lines:
            product = self.products[int(line["product_id"])]
            ex = Decimal(str(line.get("price_ex_tax", line.get("price", product["price"]))))
            inc = Decimal(str(line.get("price_inc_tax", line.get("price", product["price"]))))
            qty = int(line["quantity"])
            stored.append(
                {
                    "id": self.next_line_id,
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
                    "total_ex_tax": money(ex * qty),
                    "total_inc_tax": money(inc * qty),
                    "quantity_shipped": 0,
                    "product_options": list(line.get("product_options", [])),
                }
            )
            self.next_line_id += 1
        self.lines[order_id] = stored
        sub_ex = sum((Decimal(l["total_ex_tax"]) for l in stored), Decimal(0))  # noqa: E741
        sub_inc = sum((Decimal(l["total_inc_tax"]) for l in stored), Decimal(0))  # noqa: E741
        base = f"/stores/{self.hash}/v2/orders/{order_id}"
        now = rfc2822()
        order = {
            "id": order_id,
            "customer_id": customer_id,
            "status_id": status_id,
            "status": STATUS_NAMES[status_id],
            "payment_status": "",
            "currency_code": currency,
            "default_currency_code": currency,
            "subtotal_ex_tax": money(sub_ex),
            "subtotal_inc_tax": money(sub_inc),
            "total_ex_tax": money(sub_ex),
            "total_inc_tax": money(sub_inc),
            "items_total": sum(l["quantity"] for l in stored),  # noqa: E741
            "external_source": None,
            "external_order_id": None,
            "order_source": source,
            "payment_method": "",
            "billing_address": self.address(customer_id),
            "date_created": now,
            "date_modified": now,
            "products": {"url": f"{base}/products", "resource": f"/orders/{order_id}/products"},
            "shipping_addresses": {
                "url": f"{base}/shipping_addresses",
                "resource": f"/orders/{order_id}/shipping_addresses",
            },
            **extra,
        }
        self.orders[order_id] = order
        self.transactions[order_id] = []
        return order

    def set_status(self, order: dict[str, Any], status_id: int) -> int:
        previous = int(order["status_id"])
        order["status_id"], order["status"] = status_id, STATUS_NAMES[status_id]
        order["date_modified"] = rfc2822()
        return previous

    def record_transaction(
        self,
        order: dict[str, Any],
        event: str,
        status: str,
        customer: Customer | None,
        method_id: str = "stripe.card",
    ) -> dict[str, Any]:
        tx = {
            "id": self.next_tx_id,
            "order_id": str(order["id"]),
            "event": event,
            "method": "credit_card",
            "amount": float(Decimal(order["total_inc_tax"])),
            "currency": order["currency_code"],
            "gateway": "stripe",
            "gateway_transaction_id": f"ch_{uuid.uuid4().hex[:16]}",
            "payment_method_id": method_id,
            "status": status,
            "test": True,
            "fraud_review": False,
            "date_created": datetime.now(UTC).isoformat(),
            "payment_instrument_token": customer.instrument_token if customer else None,
        }
        self.next_tx_id += 1
        self.transactions[order["id"]].append(tx)
        return tx
