"""The emulator's Python API: set up stores and shoppers, place checkout orders, inject faults."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal
from typing import Any

import httpx

from .app import build_app
from .faults import FaultPlan
from .state import Customer, Store
from .transport import EmulatorTransport
from .webhooks import WebhookDelivery, callback_body, signed_headers


class BigCommerceEmulator:
    """Thread-safe: one lock guards every store; Flask routes and this API share it."""

    def __init__(self, *, client_id: str, client_secret: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.stores: dict[str, Store] = {}
        self.faults = FaultPlan()
        self.calls: list[tuple[str, str]] = []
        self.lock = threading.RLock()
        self.rate_limit_quota = 150
        self.server_timeout_sleep = 12.0
        self._webhooks: list[WebhookDelivery] = []
        self._auth_codes: dict[str, str] = {}
        self.wsgi_app = build_app(self)

    # -- set-up ---------------------------------------------------------------------------------
    def create_store(
        self, store_hash: str, *, access_token: str, gateway_mode: str = "purchase"
    ) -> None:
        with self.lock:
            store_id = str(1_000_000 + len(self.stores))
            self.stores[store_hash] = Store(store_hash, store_id, access_token, gateway_mode)

    def add_product(
        self, store_hash: str, *, product_id: int, name: str, price: Decimal, sku: str = ""
    ) -> None:
        with self.lock:
            self.stores[store_hash].products[product_id] = {
                "id": product_id,
                "name": name,
                "price": Decimal(price),
                "sku": sku or f"SKU-{product_id}",
            }

    def add_customer(
        self,
        store_hash: str,
        *,
        email: str,
        first_name: str = "",
        last_name: str = "",
        card: str | None = "ok",
    ) -> Customer:
        with self.lock:
            store = self.stores[store_hash]
            token = uuid.uuid4().hex + uuid.uuid4().hex if card else None
            customer = Customer(store.next_customer_id, email, first_name, last_name, token, card)
            store.customers[customer.id] = customer
            store.next_customer_id += 1
            return customer

    def set_card_behavior(self, store_hash: str, instrument_token: str, behavior: str) -> None:
        with self.lock:
            for customer in self.stores[store_hash].customers.values():
                if customer.instrument_token == instrument_token:
                    customer.card = behavior

    def issue_auth_code(self, store_hash: str) -> str:
        code = uuid.uuid4().hex
        self._auth_codes[code] = store_hash
        return code

    # -- shopper actions --------------------------------------------------------------------------
    def place_checkout_order(
        self,
        store_hash: str,
        *,
        customer_id: int,
        lines: list[dict[str, Any]],
        save_card: bool = True,
        status_id: int = 11,
        currency: str = "USD",
    ) -> dict[str, Any]:
        """A storefront checkout paid with a card (saved when `save_card`); fires order/created."""
        with self.lock:
            store = self.stores[store_hash]
            order = store.add_order(
                customer_id,
                lines,
                status_id=status_id,
                currency=currency,
                source="www",
                extra={"payment_method": "Credit Card"},
            )
            if status_id not in (0, 1, 6, 7):
                customer = store.customers.get(customer_id)
                saved = customer if save_card and customer and customer.instrument_token else None
                store.record_transaction(order, "purchase", "ok", saved)
                order["payment_status"] = "captured"
            self.queue_webhook(store, "store/order/created", {"type": "order", "id": order["id"]})
            return dict(order)

    def resend_order_created(self, store_hash: str, order_id: int) -> None:
        """BigCommerce sometimes sends an event again with a new hash (e.g. after an edit)."""
        with self.lock:
            store = self.stores[store_hash]
            self.queue_webhook(
                store, "store/order/created", {"type": "order", "id": order_id, "resent": True}
            )

    # -- inspection -------------------------------------------------------------------------------
    def orders(self, store_hash: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(o) for o in self.stores[store_hash].orders.values()]

    def transactions(self, store_hash: str, order_id: int) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(t) for t in self.stores[store_hash].transactions.get(order_id, [])]

    def hooks(self, store_hash: str) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(h) for h in self.stores[store_hash].hooks.values()]

    def reset_calls(self) -> None:
        with self.lock:
            self.calls.clear()

    # -- webhooks ---------------------------------------------------------------------------------
    def queue_webhook(self, store: Store, scope: str, data: dict[str, Any]) -> None:
        body = callback_body(scope, store.store_id, store.hash, data)
        for hook in store.hooks.values():
            if hook["is_active"] and hook["scope"] == scope:
                headers = {**(hook["headers"] or {}), **signed_headers(self.client_secret, body)}
                self._webhooks.append(WebhookDelivery(hook["destination"], headers, body))

    def sign(self, body: bytes) -> dict[str, str]:
        """Headers BigCommerce would send with `body` (for tests of hand-made deliveries)."""
        return signed_headers(self.client_secret, body)

    def drain_webhooks(self) -> list[WebhookDelivery]:
        with self.lock:
            pending, self._webhooks = self._webhooks, []
            return pending

    def deliver_webhooks(self, send: Any) -> list[int]:
        return [send(d) for d in self.drain_webhooks()]

    def transport(self) -> httpx.BaseTransport:
        return EmulatorTransport(self.wsgi_app, self.faults)
