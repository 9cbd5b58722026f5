"""httpx implementation of the BigCommerce port: the calls, their paths and their shapes."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import httpx
import msgspec

from ...ports.bigcommerce import (
    AcceptedMethod,
    BigCommerceError,
    CatalogProduct,
    CustomerRecord,
    Metafield,
    MetafieldWrite,
    Modifier,
    ModifierValue,
    NewOrder,
    Order,
    OrderProduct,
    OrderWithConsignments,
    PaymentDeclined,
    PaymentResult,
    ProductVariant,
    ScriptWrite,
    ShippingAddress,
    StoredInstrument,
    StorefrontScript,
    Transaction,
    Webhook,
)
from .errors import unreadable
from .order_body import order_body
from .rest import StoreApi, many, validate
from .session import Session

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)
PAGE_SIZE = 250  # the v2 and v3 maximum
MAX_PAGES = 100  # a collection that never ends is a broken answer, not 25,000 variants
M = TypeVar("M", bound=msgspec.Struct)
CATALOG_FIELDS = ("name", "sku", "price", "is_visible")
INCOMPLETE = 0
# Order metafields we write: readable by the merchant and other apps, writable only by us.
ORDER_METAFIELD_PERMISSION = "read"


class HttpBigCommerce:
    """One per container; `token_provider(store_hash)` returns that store's access token."""

    def __init__(
        self,
        *,
        api_url: str,
        payments_url: str,
        token_provider: Callable[[str], str],
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        max_attempts: int = 3,
    ) -> None:
        self.session = Session(
            transport=transport, timeout=timeout, sleep=sleep, max_attempts=max_attempts
        )
        self._rest = StoreApi(self.session, api_url, token_provider)
        self._payments = payments_url.rstrip("/")

    @property
    def rest(self) -> StoreApi:
        """The management API calls, shared with adapters of other ports (same session)."""
        return self._rest

    def rest_quota(self, store_hash: str) -> int | None:
        """The store's REST quota per window as its last answer gave it (None: not called yet)."""
        return self.session.limits.quotas.get(store_hash)

    def close(self) -> None:
        """Release pooled connections (a later call opens new ones)."""
        self.session.close()

    # -- orders (v2: bare JSON) -----------------------------------------------------------------
    def get_order(self, store_hash: str, order_id: int) -> Order:
        """`GET /v2/orders/{id}`."""
        return self._rest.one(Order, store_hash, "GET", f"/v2/orders/{order_id}")

    def get_order_with_consignments(self, store_hash: str, order_id: int) -> OrderWithConsignments:
        """`GET /v2/orders/{id}?include=consignments.line_items&consignment_structure=object`:
        the lines and every consignment with its address, method and cost, in one answer."""
        params = {"include": "consignments.line_items", "consignment_structure": "object"}
        path = f"/v2/orders/{order_id}"
        return self._rest.one(OrderWithConsignments, store_hash, "GET", path, params=params)

    def get_order_products(self, store_hash: str, order_id: int) -> list[OrderProduct]:
        """`GET /v2/orders/{id}/products`, every page."""
        lines: list[OrderProduct] = []
        path, page = f"/v2/orders/{order_id}/products", 1
        while True:
            params = {"page": page, "limit": PAGE_SIZE}
            batch = self._rest.many(OrderProduct, store_hash, "GET", path, params=params)
            lines += batch
            if len(batch) < PAGE_SIZE:
                return lines
            page += 1

    def get_order_shipping_addresses(self, store_hash: str, order_id: int) -> list[ShippingAddress]:
        """`GET /v2/orders/{id}/shipping_addresses` (204 for a digital-only order)."""
        path = f"/v2/orders/{order_id}/shipping_addresses"
        return self._rest.many(ShippingAddress, store_hash, "GET", path)

    def list_orders_modified_since(
        self, store_hash: str, since: str, until: str, *, page: int, limit: int
    ) -> list[Order]:
        """One page of orders modified in [since, until] (lowest id first; 204 when none)."""
        params = {
            "min_date_modified": since,
            "max_date_modified": until,
            "sort": "id:asc",
            "page": page,
            "limit": min(limit, PAGE_SIZE),
        }
        return self._rest.many(Order, store_hash, "GET", "/v2/orders", params=params)

    def get_product_metafields(
        self, store_hash: str, product_id: int, namespace: str, key: str
    ) -> list[Metafield]:
        """`GET /v3/catalog/products/{id}/metafields?namespace=&key=`."""
        path = f"/v3/catalog/products/{product_id}/metafields"
        params = {"namespace": namespace, "key": key}
        return self._rest.many(Metafield, store_hash, "GET", path, envelope=True, params=params)

    def search_products(self, store_hash: str, keyword: str, *, limit: int) -> list[CatalogProduct]:
        """`GET /v3/catalog/products?keyword=` in the merchant's search context: products whose
        name, description, SKU or brand match; the first page, only the fields we show."""
        params = {
            "keyword": keyword,
            "keyword_context": "merchant",
            "include_fields": ",".join(CATALOG_FIELDS),
            "limit": min(limit, PAGE_SIZE),
        }
        path = "/v3/catalog/products"
        return self._rest.many(
            CatalogProduct, store_hash, "GET", path, envelope=True, params=params
        )

    def get_product_variants(self, store_hash: str, product_id: int) -> list[ProductVariant]:
        """`GET /v3/catalog/products/{id}/variants`, every page (`meta.pagination`)."""
        path = f"/v3/catalog/products/{product_id}/variants"
        return self._v3_pages(ProductVariant, store_hash, path)

    def put_product_metafield(
        self,
        store_hash: str,
        product_id: int,
        field: MetafieldWrite,
        metafield_id: int | None,
    ) -> Metafield:
        """`POST /v3/catalog/products/{id}/metafields`, or `PUT .../{metafield_id}` with every
        field (the update schema requires all four, like the create)."""
        path = f"/v3/catalog/products/{product_id}/metafields"
        body = msgspec.to_builtins(field)
        if metafield_id is not None:
            where = f"{path}/{metafield_id}"
            return self._rest.one(Metafield, store_hash, "PUT", where, envelope=True, json=body)
        return self._rest.one(Metafield, store_hash, "POST", path, envelope=True, json=body)

    def list_product_modifiers(self, store_hash: str, product_id: int) -> list[Modifier]:
        """`GET /v3/catalog/products/{id}/modifiers`, every page."""
        path = f"/v3/catalog/products/{product_id}/modifiers"
        return self._v3_pages(Modifier, store_hash, path)

    def put_dropdown_modifier(
        self,
        store_hash: str,
        product_id: int,
        display_name: str,
        values: list[ModifierValue],
        modifier_id: int | None,
    ) -> Modifier:
        """`POST /v3/catalog/products/{id}/modifiers`, or `PUT .../{modifier_id}`; both carry
        `type` and `required` (the update requires them too) and each value's id when it has
        one, since a value sent without its id is replaced by a new one."""
        path = f"/v3/catalog/products/{product_id}/modifiers"
        body: dict[str, Any] = {
            "type": "dropdown",
            "required": True,
            "display_name": display_name,
            "option_values": [_value_body(v) for v in values],
        }
        if modifier_id is not None:
            return self._rest.one(
                Modifier, store_hash, "PUT", f"{path}/{modifier_id}", envelope=True, json=body
            )
        return self._rest.one(Modifier, store_hash, "POST", path, envelope=True, json=body)

    def _v3_pages(self, model: type[M], store_hash: str, path: str) -> list[M]:
        """Every item of a v3 collection, page by page until `meta.pagination` says the last."""
        items: list[M] = []
        for page in range(1, MAX_PAGES + 1):
            params = {"page": page, "limit": PAGE_SIZE}
            reply = self._rest.call(store_hash, "GET", path, params=params)
            items += many(model, (reply or {}).get("data"), "GET", path)
            pagination = ((reply or {}).get("meta") or {}).get("pagination") or {}
            if page >= int(pagination.get("total_pages") or 1):
                return items
        raise unreadable("GET", path, f"more than {MAX_PAGES} pages")

    def find_orders_by_external_id(self, store_hash: str, external_order_id: str) -> list[Order]:
        """`GET /v2/orders?external_order_id=`, asked twice: order lists may leave Incomplete
        orders out unless `status_id=0` is asked for. 204 when none match."""
        found: dict[int, Order] = {}
        for status in (INCOMPLETE, None):
            params: dict[str, Any] = {"external_order_id": external_order_id}
            if status is not None:
                params["status_id"] = status
            for order in self._rest.many(Order, store_hash, "GET", "/v2/orders", params=params):
                found.setdefault(order.id, order)
        return [found[i] for i in sorted(found)]

    def create_order(self, store_hash: str, order: NewOrder) -> Order:
        """`POST /v2/orders`: line prices as numbers, order-level money as decimal strings."""
        body = order_body(order)
        return self._rest.one(Order, store_hash, "POST", "/v2/orders", json=body)

    def tag_order(
        self, store_hash: str, order_id: int, namespace: str, key: str, value: str
    ) -> Metafield:
        """`POST /v3/orders/{id}/metafields`, readable by the merchant and other apps."""
        body = {
            "namespace": namespace,
            "key": key,
            "value": value,
            "permission_set": ORDER_METAFIELD_PERMISSION,
        }
        path = f"/v3/orders/{order_id}/metafields"
        return self._rest.one(Metafield, store_hash, "POST", path, envelope=True, json=body)

    def find_orders_by_metafield(self, store_hash: str, namespace: str, key: str) -> list[int]:
        """`GET /v3/orders/metafields?namespace=&key=`: the orders (`resource_id`) carrying it."""
        params = {"namespace": namespace, "key": key}
        found = self._rest.many(
            Metafield, store_hash, "GET", "/v3/orders/metafields", envelope=True, params=params
        )
        return sorted({m.resource_id for m in found})

    def update_order_status(self, store_hash: str, order_id: int, status_id: int) -> Order:
        """`PUT /v2/orders/{id}` with a new `status_id`."""
        path, body = f"/v2/orders/{order_id}", {"status_id": status_id}
        return self._rest.one(Order, store_hash, "PUT", path, json=body)

    # -- payments ------------------------------------------------------------------------------
    def create_payment_access_token(self, store_hash: str, order_id: int) -> str:
        """`POST /v3/payments/access_tokens` for a recurring charge; the PAT is single use."""
        path, body = "/v3/payments/access_tokens", {"order": {"id": order_id, "is_recurring": True}}
        try:
            reply = self._rest.call(store_hash, "POST", path, json=body)
        except BigCommerceError as exc:
            # A refusal with a Payments code (30000-30003, 30100, 30101) is classified like a
            # payment's; anything else (401, 5xx, unknown outcome) stays what it was.
            if type(exc) is BigCommerceError and exc.code is not None and exc.status:
                raise PaymentDeclined(str(exc), status=exc.status, code=exc.code) from exc
            raise
        try:
            return str(reply["data"]["id"])
        except (KeyError, TypeError) as exc:
            raise unreadable("POST", path, "no data.id in the answer") from exc

    def process_stored_payment(
        self,
        store_hash: str,
        access_token: str,
        instrument_token: str,
        payment_method_id: str,
        *,
        instrument_type: str,
    ) -> PaymentResult:
        """`POST {payments}/stores/{hash}/payments` with the PAT; declines raise PaymentDeclined."""
        body = {
            "payment": {
                "instrument": {"type": instrument_type, "token": instrument_token},
                "payment_method_id": payment_method_id,
            }
        }
        headers = {"Authorization": f"PAT {access_token}", "Accept": "application/vnd.bc.v1+json"}
        url = f"{self._payments}/stores/{store_hash}/payments"
        reply = self.session.send(
            store_hash, "POST", url, headers=headers, json=body, payments=True
        )
        # The 2026 spec wraps the result in `data`; the older one answered a bare object.
        data = reply.get("data", reply) if isinstance(reply, dict) else reply
        return validate(PaymentResult, data, "POST", url)

    def list_payment_methods(self, store_hash: str, order_id: int) -> list[AcceptedMethod]:
        """`GET /v3/payments/methods?order_id=`: what can pay this order, stored instruments
        included."""
        params = {"order_id": order_id}
        return self._rest.many(
            AcceptedMethod, store_hash, "GET", "/v3/payments/methods", envelope=True, params=params
        )

    def find_customers(
        self, store_hash: str, *, ids: Sequence[int] = (), emails: Sequence[str] = ()
    ) -> list[CustomerRecord]:
        """`GET /v3/customers?id:in=&email:in=`: the first page is enough, as we ask for a few."""
        if not ids and not emails:
            return []
        params: dict[str, Any] = {"limit": max(len(ids) + len(emails), 1)}
        if ids:
            params["id:in"] = ",".join(str(i) for i in ids)
        if emails:
            params["email:in"] = ",".join(emails)
        return self._rest.many(
            CustomerRecord, store_hash, "GET", "/v3/customers", envelope=True, params=params
        )

    def list_stored_instruments(self, store_hash: str, customer_id: int) -> list[StoredInstrument]:
        """`GET /v3/customers/{id}/stored-instruments` (a bare array)."""
        path = f"/v3/customers/{customer_id}/stored-instruments"
        return self._rest.many(StoredInstrument, store_hash, "GET", path)

    def customer_exists(self, store_hash: str, customer_id: int) -> bool:
        """`GET /v3/customers?id:in=`: a customer of another store is simply not listed."""
        return any(c.id == customer_id for c in self.find_customers(store_hash, ids=[customer_id]))

    def list_order_transactions(self, store_hash: str, order_id: int) -> list[Transaction]:
        """`GET /v3/orders/{id}/transactions`; 204 when the order has none."""
        path = f"/v3/orders/{order_id}/transactions"
        return self._rest.many(Transaction, store_hash, "GET", path, envelope=True)

    def request_payment_action(self, store_hash: str, order_id: int, action: str) -> None:
        """`POST /v3/orders/{id}/payment_actions/{capture|void}`: asynchronous, 201 when accepted;
        the outcome shows later in the order's transactions."""
        if action not in ("capture", "void"):
            raise ValueError(f"unknown payment action {action!r}")
        self._rest.call(store_hash, "POST", f"/v3/orders/{order_id}/payment_actions/{action}")

    # -- webhooks (v3: data envelope) ----------------------------------------------------------
    def create_webhook(
        self, store_hash: str, scope: str, destination: str, headers: dict[str, str]
    ) -> Webhook:
        """`POST /v3/hooks`, active, with headers BigCommerce echoes on every delivery."""
        body = {"scope": scope, "destination": destination, "is_active": True, "headers": headers}
        return self._rest.one(Webhook, store_hash, "POST", "/v3/hooks", envelope=True, json=body)

    def list_webhooks(self, store_hash: str) -> list[Webhook]:
        """`GET /v3/hooks`: the hooks of this app's token."""
        return self._rest.many(Webhook, store_hash, "GET", "/v3/hooks", envelope=True)

    def update_webhook(
        self, store_hash: str, webhook_id: int, headers: dict[str, str], *, is_active: bool = True
    ) -> Webhook:
        """`PUT /v3/hooks/{id}`: new headers, and re-activation of a deactivated hook."""
        path, body = f"/v3/hooks/{webhook_id}", {"is_active": is_active, "headers": headers}
        return self._rest.one(Webhook, store_hash, "PUT", path, envelope=True, json=body)

    # -- storefront scripts (v3: data envelope, paged) -----------------------------------------
    def list_scripts(self, store_hash: str) -> list[StorefrontScript]:
        """`GET /v3/content/scripts`: only the scripts this app's token created."""
        return self._v3_pages(StorefrontScript, store_hash, "/v3/content/scripts")

    def create_script(self, store_hash: str, script: ScriptWrite) -> StorefrontScript:
        """`POST /v3/content/scripts`."""
        body = msgspec.to_builtins(script)
        path = "/v3/content/scripts"
        return self._rest.one(StorefrontScript, store_hash, "POST", path, envelope=True, json=body)

    def update_script(
        self, store_hash: str, script_uuid: str, script: ScriptWrite
    ) -> StorefrontScript:
        """`PUT /v3/content/scripts/{uuid}`: every field we set, sent again."""
        path, body = f"/v3/content/scripts/{script_uuid}", msgspec.to_builtins(script)
        return self._rest.one(StorefrontScript, store_hash, "PUT", path, envelope=True, json=body)


def _value_body(value: ModifierValue) -> dict[str, Any]:
    body: dict[str, Any] = {
        "label": value.label,
        "sort_order": value.sort_order,
        "is_default": value.is_default,
        "adjusters": {
            "purchasing_disabled": {
                "status": value.purchasing_disabled,
                "message": value.adjusters.get("purchasing_disabled", {}).get("message", ""),
            }
        },
    }
    if value.id is not None:
        body["id"] = value.id
    return body
