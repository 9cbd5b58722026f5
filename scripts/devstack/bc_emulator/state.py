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
# Stored instrument types, and the gateway method that charges each (checkout and renewals).
INSTRUMENT_METHODS = {
    "stored_card": ("stripe.card", "card", "credit_card"),
    "stored_paypal_account": ("braintree.paypal", "paypal", "electronic_wallet"),
    "stored_bank_account": ("stripe.ach", "bank_account", "offsite"),
}


def money(value: Decimal) -> str:
    """BigCommerce's v2 money format: a decimal string with 4 places."""
    return f"{Decimal(value):.4f}"


def rfc2822(when: datetime | None = None) -> str:
    """v2 dates, e.g. `Tue, 05 Mar 2024 10:00:00 +0000`."""
    return format_datetime(when or clock.now())


@dataclass
class Customer:
    """A shopper; `card` is the behaviour of their one stored instrument (None: none stored),
    a card unless `instrument_type` says it is a PayPal or bank account."""

    id: int
    email: str
    first_name: str
    last_name: str
    instrument_token: str | None
    card: str | None
    instrument_type: str = "stored_card"
    # Exactly one group per customer; 0 is none (BigCommerce's default).
    customer_group_id: int = 0


@dataclass
class Store:
    """Everything one store holds; the emulator's lock guards it."""

    hash: str
    store_id: str
    access_token: str
    gateway_mode: str
    # The store's default currency; shoppers may pay in any of `transactional_currencies`
    # and see prices in others (display only).
    currency: str = "USD"
    transactional_currencies: set[str] = field(default_factory=lambda: {"USD"})
    channels: set[int] = field(default_factory=lambda: {1})
    # How the gateway answers a payment: "success", or "pending" (settled later).
    payment_answer: str = "success"
    # Orders whose payment the gateway has not settled yet (order id -> purchase|authorization).
    pending_payments: dict[int, str] = field(default_factory=dict)
    # A Payments code `POST /v3/payments/access_tokens` refuses every order with (store set-up).
    pat_refusal: int | None = None
    # order id -> address id -> the line ids shipping there (first address: every line).
    consignment_lines: dict[int, dict[int, list[int]]] = field(default_factory=dict)
    order_metafields: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    variants: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    modifiers: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    # group id -> group (v2 shape), see customer_groups.py
    customer_groups: dict[int, dict[str, Any]] = field(default_factory=dict)
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
    # order id -> its refunds (v3 shape), lowest id first; see refunds.py
    refunds: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    hooks: dict[int, dict[str, Any]] = field(default_factory=dict)
    # uuid -> script (v3 shape) registered through the Scripts API.
    scripts: dict[str, dict[str, Any]] = field(default_factory=dict)
    # product_id -> metafield id -> metafield (v3 shape)
    metafields: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    # (product_id, option id, value) -> (display_name, display_value), learnt from checkouts.
    option_labels: dict[tuple[int, int, str], tuple[str, str]] = field(default_factory=dict)
    next_order_id: int = 100
    next_customer_id: int = 1
    next_line_id: int = 1
    next_refund_id: int = 1
    next_tx_id: int = 1
    next_hook_id: int = 1
    next_metafield_id: int = 1
    next_shipment_id: int = 1
    next_variant_id: int = 1
    next_modifier_id: int = 1
    next_option_value_id: int = 1
    next_address_id: int = 1
    next_customer_group_id: int = 1

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
        method_id: str = "",
    ) -> dict[str, Any]:
        """Append a v3 transaction to the order, as the gateway would report it."""
        kind = self.instrument_type_of(instrument_token)
        default_method, _, method = INSTRUMENT_METHODS[kind]
        method_id = method_id or default_method
        tx = {
            "id": self.take_id("tx_id"),
            "order_id": str(order["id"]),
            "event": event,
            "method": method,
            "amount": float(Decimal(order["total_inc_tax"])),
            # Gateways charge the transactional currency, never the display one.
            "currency": order["default_currency_code"],
            "gateway": method_id.split(".")[0],
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

    def instrument_type_of(self, token: str | None) -> str:
        """The type of the stored instrument with `token` (a card when unknown)."""
        for customer in self.customers.values():
            if token and customer.instrument_token == token:
                return customer.instrument_type
        return "stored_card"
