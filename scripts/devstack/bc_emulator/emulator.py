"""The emulator's Python API: stores, shoppers and checkouts, inspection, faults, webhooks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from . import clock as emulator_clock
from .app import build_app
from .app_callbacks import AppCallbacks
from .b2b_setup import B2BSetup
from .b2b_state import B2BEdition
from .catalog_modifiers import invalid_order_options
from .contract import record_callback
from .faults import FaultPlan
from .fixtures import StoreSetup
from .orders import checkout_order
from .payment_actions import settle
from .payments import settle_pending
from .ratelimit import PLAN_QUOTAS, RateWindows, StoreLimits
from .refunds import make_refund, whole_order
from .shipments import ShipmentRefused, ship, shipment_problem
from .state import Store
from .transport import EmulatorTransport
from .webhooks import WebhookDelivery, WebhookOutbox, signed_headers


class BigCommerceEmulator(StoreSetup, AppCallbacks, B2BSetup):
    """Thread-safe: one lock guards all state; the Flask routes and this API share it."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """`clock`: the business clock BigCommerce's dates follow (None: real time)."""
        emulator_clock.use(clock)
        self.client_id, self.client_secret = client_id, client_secret
        self.lock = threading.RLock()
        self.stores: dict[str, Store] = {}
        self.b2b: dict[str, B2BEdition] = {}  # stores with B2B Edition enabled
        self.faults = FaultPlan(self.lock)
        self.calls: list[tuple[str, str]] = []
        self.rate_limit_quota = 150
        self.rate_windows = RateWindows()
        self.store_limits = StoreLimits(self.rate_windows)
        self.server_timeout_sleep = 12.0
        self.outbox = WebhookOutbox(client_secret, self.lock)
        self._auth_codes: dict[str, tuple[str, int]] = {}  # code -> (store, installing user)
        self._revoked: set[str] = set()
        # Public origin of an app -> where it is served locally (the storefront's DNS).
        self.app_hosts: dict[str, str] = {}
        self.wsgi_app = build_app(self)

    # -- shopper actions ------------------------------------------------------------------------
    def place_checkout_order(
        self,
        store_hash: str,
        *,
        customer_id: int,
        lines: list[dict[str, Any]],
        save_card: bool = True,
        status_id: int = 11,
        currency: str = "USD",
        shipping_method: str | None = "Flat Rate",
        display_currency: str | None = None,
        channel_id: int = 1,
        destinations: list[dict[str, Any]] | None = None,
        customer_message: str = "",
    ) -> dict[str, Any]:
        """A storefront checkout paid with the shopper's instrument (saved when `save_card`)
        in `currency`, shown in `display_currency`, with what the shopper typed into Order
        Comments (`customer_message`, at most 2000 characters as the checkout takes it);
        fires order/created."""
        if len(customer_message) > 2000:
            raise ValueError("customer_message is at most 2000 characters")
        with self.lock:
            store = self.stores[store_hash]
            # The storefront offers only the catalog's live values of each modifier.
            if problem := invalid_order_options(store, lines, storefront=True):
                raise ValueError(problem)
            order = checkout_order(
                store,
                customer_id,
                lines,
                save_card=save_card,
                status_id=status_id,
                currency=currency,
                shipping_method=shipping_method,
                display_currency=display_currency,
                channel_id=channel_id,
                destinations=destinations,
            )
            order["customer_message"] = customer_message
            self.queue_webhook(store, "store/order/created", {"type": "order", "id": order["id"]})
            return dict(order)

    def pay_order(self, store_hash: str, order_id: int, *, save_card: bool = True) -> None:
        """The shopper completes payment of an unpaid order: Awaiting Fulfillment, statusUpdated."""
        with self.lock:
            store = self.stores[store_hash]
            order = store.orders[order_id]
            customer = store.customers.get(int(order["customer_id"]))
            token = customer.instrument_token if customer and save_card else None
            store.record_transaction(order, "purchase", "ok", token)
            order["payment_status"] = "captured"
            previous = store.set_status(order, 11)
            self.outbox.status_change(store, order_id, previous, 11)

    def set_order_status(self, store_hash: str, order_id: int, status_id: int) -> None:
        """The merchant moves an order in the control panel (e.g. ships it); fires statusUpdated."""
        with self.lock:
            store = self.stores[store_hash]
            previous = store.set_status(store.orders[order_id], status_id)
            if previous != status_id:
                self.outbox.status_change(store, order_id, previous, status_id)

    def delete_customer(self, store_hash: str, customer_id: int) -> None:
        """The merchant deletes a customer (and their stored cards); fires customer/deleted."""
        with self.lock:
            store = self.stores[store_hash]
            del store.customers[customer_id]
            self.queue_webhook(
                store, "store/customer/deleted", {"type": "customer", "id": customer_id}
            )

    def refund_order(
        self, store_hash: str, order_id: int, items: list[dict[str, Any]] | None = None
    ) -> int:
        """The merchant refunds `items` of an order (None: all that is left of it) in the
        control panel; fires order/refund/created. Raises RefundRefused as BigCommerce would."""
        with self.lock:
            store = self.stores[store_hash]
            if order_id not in store.orders:
                raise KeyError(order_id)
            given = whole_order(store, order_id) if items is None else items
            refund_id = int(make_refund(store, order_id, given)["id"])
            data = {"type": "order", "id": order_id, "refund": {"refund_id": refund_id}}
            self.queue_webhook(store, "store/order/refund/created", data)
            return refund_id

    def create_shipment(
        self,
        store_hash: str,
        order_id: int,
        items: list[dict[str, Any]] | None = None,
        order_address_id: int | None = None,
    ) -> dict[str, Any]:
        """The merchant ships `items` (all that is left when None) to one of the order's
        addresses (the first when None); fires shipment/created. Raises ShipmentRefused
        where BigCommerce would refuse it (an order with no address to ship to)."""
        with self.lock:
            store = self.stores[store_hash]
            addresses = store.shipping.get(order_id, [])
            if order_address_id is None and addresses:
                order_address_id = int(addresses[0]["id"])
            if problem := shipment_problem(store, order_id, order_address_id):
                raise ShipmentRefused(problem)
            assert order_address_id is not None
            return dict(ship(self, store, order_id, items, order_address_id))

    def settle_pending_payment(self, store_hash: str, order_id: int, *, ok: bool = True) -> None:
        """The gateway settles the order's pending payment: a transaction (and its webhook)
        says whether the money came."""
        with self.lock:
            settle_pending(self, self.stores[store_hash], order_id, ok=ok)

    def settle_payment_actions(self, store_hash: str, order_id: int) -> None:
        """The gateway answers the order's pending capture or void now."""
        with self.lock:
            settle(self, self.stores[store_hash], order_id)

    def set_capture_behavior(self, store_hash: str, behavior: str) -> None:
        """How the store's gateway answers captures: "ok" or "decline"."""
        with self.lock:
            self.stores[store_hash].capture_behavior = behavior

    def resend_order_created(self, store_hash: str, order_id: int) -> None:
        """BigCommerce sometimes sends an event again with a new hash (e.g. after an edit)."""
        with self.lock:
            data = {"type": "order", "id": order_id, "resent": True}
            self.queue_webhook(self.stores[store_hash], "store/order/created", data)

    def serve_app_host(self, public_origin: str, local_origin: str) -> None:
        """Storefront pages load scripts registered under `public_origin` from `local_origin`."""
        with self.lock:
            self.app_hosts[public_origin.rstrip("/")] = local_origin.rstrip("/")

    def scripts(self, store_hash: str) -> list[dict[str, Any]]:
        """The scripts registered on the store through the Scripts API."""
        with self.lock:
            return [dict(s) for s in self.stores[store_hash].scripts.values()]

    # -- inspection -----------------------------------------------------------------------------
    def orders(self, store_hash: str) -> list[dict[str, Any]]:
        """Every order of the store, oldest first."""
        with self.lock:
            return [dict(o) for o in self.stores[store_hash].orders.values()]

    def transactions(self, store_hash: str, order_id: int) -> list[dict[str, Any]]:
        """The order's transactions, as `GET /v3/orders/{id}/transactions` lists them."""
        with self.lock:
            return [dict(t) for t in self.stores[store_hash].transactions.get(order_id, [])]

    def hooks(self, store_hash: str) -> list[dict[str, Any]]:
        """The store's registered webhooks."""
        with self.lock:
            return [dict(h) for h in self.stores[store_hash].hooks.values()]

    def deactivate_hooks(self, store_hash: str) -> None:
        """What BigCommerce does after two days of failed deliveries, or 90 idle days."""
        with self.lock:
            for hook in self.stores[store_hash].hooks.values():
                hook["is_active"] = False

    def record_call(self, method: str, path: str) -> None:
        """Count one BigCommerce API request (control routes are not counted)."""
        with self.lock:
            self.calls.append((method, path))

    def reset_calls(self) -> None:
        """Start counting calls afresh."""
        with self.lock:
            self.calls.clear()

    def set_store_plan(self, store_hash: str, plan: str) -> None:
        """Enforce the plan's REST quota and the Payments API limit on the store (opt in: a
        store without a plan shares `rate_limit_quota` across every path, as before)."""
        if plan not in PLAN_QUOTAS:
            raise ValueError(f"unknown plan {plan!r}; one of {sorted(PLAN_QUOTAS)}")
        with self.lock:
            self.store_limits.plans[store_hash] = plan

    @staticmethod
    def is_api(path: str) -> bool:
        """Store API, payments and B2B Edition paths (counted, faulted, rate limited); not
        login or control."""
        return path.startswith(("/stores/", "/api/v3/io/"))

    # -- webhooks -------------------------------------------------------------------------------
    def queue_webhook(self, store: Store, scope: str, data: dict[str, Any]) -> None:
        """Queue a signed callback for every active hook registered for `scope`."""
        self.outbox.queue(store, scope, data)

    def sign(self, body: bytes) -> dict[str, str]:
        """Headers BigCommerce would send with `body` (also for hand-made deliveries in tests)."""
        return signed_headers(self.client_secret, body)

    def drain_webhooks(self) -> list[WebhookDelivery]:
        """Take every queued callback, oldest first (each checked against the contract)."""
        deliveries = self.outbox.drain()
        for delivery in deliveries:
            record_callback(delivery.body)
        return deliveries

    def deliver_webhooks(self, send: Callable[[WebhookDelivery], int]) -> list[int]:
        """Drain the queue through `send`, which returns the receiver's status code."""
        return [send(delivery) for delivery in self.drain_webhooks()]

    def transport(self) -> httpx.BaseTransport:
        """An in-process httpx transport serving the API and payments hosts, faults included."""
        return EmulatorTransport(self)
