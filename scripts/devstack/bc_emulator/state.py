"""Emulator state per store: catalog, customers and cards, orders, transactions, PATs, hooks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from email.utils import format_datetime
from typing import Any

from . import clock

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
# Card behaviours and the Payments API code each one answers with.
DECLINES = {
    "decline": 30104,
    "insufficient_funds": 30106,
    "expired": 30103,
    "duplicate": 30105,
    "requires_action": 30102,
}
CARD_BEHAVIORS = frozenset({"ok", *DECLINES})


def money(value: Decimal) -> str:
    """BigCommerce's v2 money format: a decimal string with 4 places."""
    return f"{Decimal(value):.4f}"


def rfc2822(when: datetime | None = None) -> str:
    """v2 dates, e.g. `Tue, 05 Mar 2024 10:00:00 +0000`."""
    return format_datetime(when or clock.now())


@dataclass
class Customer:
    """A shopper; `card` is the behaviour of their one stored card (None: no stored card)."""

    id: int
    email: str
    first_name: str
    last_name: str
    instrument_token: str | None
    card: str | None


@dataclass
class Store:
    """Everything one store holds; the emulator's lock guards it."""

    hash: str
    store_id: str
    access_token: str
    gateway_mode: str
    currency: str = "USD"
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    variants: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    modifiers: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    lines: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    shipping: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    transactions: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pats: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Captures and voids accepted but not yet answered by the gateway (order id -> action).
    pending_actions: dict[int, str] = field(default_factory=dict)
    # How the gateway answers a capture: "ok", or "decline" (an error transaction).
    capture_behavior: str = "ok"
    shipments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    hooks: dict[int, dict[str, Any]] = field(default_factory=dict)
    # product_id -> metafield id -> metafield (v3 shape)
    metafields: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    # (product_id, option id, value) -> (display_name, display_value), learnt from checkouts.
    option_labels: dict[tuple[int, int, str], tuple[str, str]] = field(default_factory=dict)
    next_order_id: int = 100
    next_customer_id: int = 1
    next_line_id: int = 1
    next_tx_id: int = 1
    next_hook_id: int = 1
    next_metafield_id: int = 1
    next_shipment_id: int = 1
    next_variant_id: int = 1
    next_modifier_id: int = 1
    next_option_value_id: int = 1

    def take_id(self, counter: str) -> int:
        """The next value of `next_<counter>`, advancing it."""
        value: int = getattr(self, f"next_{counter}")
        setattr(self, f"next_{counter}", value + 1)
        return value

    def address(self, customer_id: int) -> dict[str, Any]:
        """The customer's address book entry (every shopper lives at the same place)."""
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

    def set_status(self, order: dict[str, Any], status_id: int) -> int:
        """Move an order to `status_id`; returns the previous status id."""
        previous = int(order["status_id"])
        order["status_id"], order["status"] = status_id, STATUS_NAMES[status_id]
        order["date_modified"] = rfc2822()
        return previous

    def record_transaction(
        self,
        order: dict[str, Any],
        event: str,
        status: str,
        instrument_token: str | None,
        method_id: str = "stripe.card",
    ) -> dict[str, Any]:
        """Append a v3 transaction to the order, as the gateway would report it."""
        tx = {
            "id": self.take_id("tx_id"),
            "order_id": str(order["id"]),
            "event": event,
            "method": "credit_card",
            "amount": float(Decimal(order["total_inc_tax"])),
            "currency": order["currency_code"],
            "gateway": "stripe",
            "gateway_transaction_id": f"ch_{uuid.uuid4().hex[:24]}",
            "payment_method_id": method_id,
            "status": status,
            "test": True,
            "fraud_review": False,
            "date_created": clock.now().isoformat(timespec="seconds"),
            "payment_instrument_token": instrument_token,
        }
        self.transactions[order["id"]].append(tx)
        return tx
