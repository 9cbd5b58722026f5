"""Setting up the world the emulator serves: stores, products, shoppers and cards, install codes."""

from __future__ import annotations

import secrets
import threading
from decimal import Decimal
from typing import Any

from . import catalog_metafields
from .state import CARD_BEHAVIORS, INSTRUMENT_METHODS, Customer, Store


class StoreSetup:
    """The set-up half of `BigCommerceEmulator`'s Python API."""

    lock: threading.RLock
    stores: dict[str, Store]
    client_id: str

    def queue_webhook(self, store: Store, scope: str, data: dict[str, Any]) -> None: ...

    def create_store(
        self,
        store_hash: str,
        *,
        access_token: str,
        gateway_mode: str = "purchase",
        currency: str = "USD",
        transactional_currencies: tuple[str, ...] = (),
    ) -> None:
        """A store on a gateway that either captures (`purchase`) or only authorizes, whose
        default `currency` and `transactional_currencies` shoppers may pay in (any other
        currency is display only)."""
        if gateway_mode not in ("purchase", "authorization"):
            raise ValueError(f"gateway_mode must be purchase or authorization: {gateway_mode!r}")
        with self.lock:
            store_id = str(1_000_001 + len(self.stores))
            store = Store(store_hash, store_id, access_token, gateway_mode, currency=currency)
            store.transactional_currencies = {currency, *transactional_currencies}
            self.stores[store_hash] = store

    def enable_currency(self, store_hash: str, currency: str) -> None:
        """Multi-currency: shoppers may now pay in `currency` (a transactional currency)."""
        with self.lock:
            self.stores[store_hash].transactional_currencies.add(currency)

    def add_channel(self, store_hash: str, channel_id: int) -> None:
        """Another storefront or sales channel of the store."""
        with self.lock:
            self.stores[store_hash].channels.add(channel_id)

    def set_payment_answer(self, store_hash: str, answer: str) -> None:
        """How the store's gateway answers payments: "success", or "pending" (settled later
        with `settle_pending_payment`)."""
        if answer not in ("success", "pending"):
            raise ValueError(f"answer must be success or pending: {answer!r}")
        with self.lock:
            self.stores[store_hash].payment_answer = answer

    def refuse_payment_tokens(self, store_hash: str, code: int | None) -> None:
        """The store's set-up makes `POST /v3/payments/access_tokens` answer with `code`
        (e.g. 30000: no gateway configured); None: tokens are issued again."""
        with self.lock:
            self.stores[store_hash].pat_refusal = code

    def add_product(
        self, store_hash: str, *, product_id: int, name: str, price: Decimal, sku: str = ""
    ) -> None:
        """A catalog product (orders may only reference these)."""
        with self.lock:
            self.stores[store_hash].products[product_id] = {
                "id": product_id,
                "name": name,
                "price": Decimal(price),
                "sku": sku or f"SKU-{product_id}",
            }
            # Every BigCommerce product has a base variant (no option values, product's price).
            store = self.stores[store_hash]
            base = store.take_id("variant_id")
            store.variants[product_id] = {base: _variant(base, product_id, None, "", [])}

    def add_variant(
        self, store_hash: str, product_id: int, *, price: Decimal, sku: str, label: str
    ) -> int:
        """A variant of the product with its own price and one option value; returns its id."""
        with self.lock:
            store = self.stores[store_hash]
            variant_id = store.take_id("variant_id")
            option = {"id": variant_id, "label": label, "option_id": 1}
            option["option_display_name"] = "Size"
            variants = store.variants[product_id]
            variants[variant_id] = _variant(variant_id, product_id, Decimal(price), sku, [option])
            return variant_id

    def set_product_metafield(
        self,
        store_hash: str,
        product_id: int,
        namespace: str,
        key: str,
        value: str,
        *,
        permission_set: str = "read_and_sf_access",
        owner_client_id: str | None = None,
    ) -> None:
        """Create or overwrite one metafield of a product, as the API client `owner_client_id`
        (the app's own by default, as if the app had written it) would."""
        owner = self.client_id if owner_client_id is None else owner_client_id
        with self.lock:
            store = self.stores[store_hash]
            for field in store.metafields.get(product_id, {}).values():
                if (field["owner_client_id"], field["namespace"], field["key"]) == (
                    owner,
                    namespace,
                    key,
                ):
                    field.update(value=value, permission_set=permission_set)
                    return
            body = {"namespace": namespace, "key": key, "value": value}
            body["permission_set"] = permission_set
            if errors := catalog_metafields.problems(body):
                raise ValueError(errors)
            catalog_metafields.create(store, product_id, body, owner)

    def add_customer(
        self,
        store_hash: str,
        *,
        email: str,
        first_name: str = "",
        last_name: str = "",
        card: str | None = "ok",
        instrument_type: str = "stored_card",
    ) -> Customer:
        """A shopper with one stored instrument behaving as `card` (None: nothing stored): a
        card, or a `stored_paypal_account` or `stored_bank_account`."""
        _check_card(card)
        if instrument_type not in INSTRUMENT_METHODS:
            raise ValueError(f"instrument_type must be one of {sorted(INSTRUMENT_METHODS)}")
        with self.lock:
            store = self.stores[store_hash]
            token = secrets.token_hex(32) if card else None
            customer_id = store.take_id("customer_id")
            customer = Customer(
                customer_id, email, first_name, last_name, token, card, instrument_type
            )
            store.customers[customer_id] = customer
            return customer

    def replace_card(
        self, store_hash: str, customer_id: int, card: str = "ok", *, notify: bool = False
    ) -> str:
        """The shopper saved a new card in the storefront and removed the old one; with
        `notify`, BigCommerce reports the new default (`.../instrument/default/updated`)."""
        _check_card(card)
        with self.lock:
            store = self.stores[store_hash]
            customer = store.customers[customer_id]
            customer.instrument_token, customer.card = secrets.token_hex(32), card
            if notify:
                self.queue_webhook(
                    store,
                    "store/customer/payment/instrument/default/updated",
                    {"type": "customer", "id": customer_id},
                )
            return customer.instrument_token

    def set_card_behavior(self, store_hash: str, instrument_token: str, behavior: str) -> None:
        """From now on the card with this token answers as `behavior`."""
        _check_card(behavior)
        with self.lock:
            for customer in self.stores[store_hash].customers.values():
                if customer.instrument_token == instrument_token:
                    customer.card = behavior
                    return
        raise KeyError(f"no stored card {instrument_token[:8]}... in {store_hash}")


def _check_card(card: str | None) -> None:
    if card is not None and card not in CARD_BEHAVIORS:
        raise ValueError(f"card behaviour must be one of {sorted(CARD_BEHAVIORS)}: {card!r}")


def _variant(
    variant_id: int,
    product_id: int,
    price: Decimal | None,
    sku: str,
    option_values: list[dict[str, Any]],
) -> dict[str, Any]:
    """A `/v3/catalog/products/{id}/variants` item; `price` null falls back to the product's."""
    return {
        "id": variant_id,
        "product_id": product_id,
        "sku": sku,
        "sku_id": None,
        "price": price,
        "sale_price": None,
        "retail_price": None,
        "cost_price": 0,
        "map_price": None,
        "calculated_price": price,
        "purchasing_disabled": False,
        "purchasing_disabled_message": "",
        "inventory_level": 0,
        "upc": "",
        "mpn": "",
        "gtin": "",
        "option_values": option_values,
    }
