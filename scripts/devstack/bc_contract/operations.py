"""Which BigCommerce operations the contract holds, and the facts no OpenAPI file states.

An operation is listed here when our client calls it, when the emulator serves it, or when a
planned change will call it; a call to anything else fails the contract test.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Operation(NamedTuple):
    """One operation: the spec file that defines it and the path as written there."""

    method: str
    spec: str  # relative to the docs checkout's `reference/`
    spec_path: str


# The store API's prefix per spec server, and the payments host's.
API_V2 = "/stores/{store_hash}/v2"
API_V3 = "/stores/{store_hash}/v3"
PAYMENTS = "/stores/{store_hash}"
B2B_PREFIX = "/api/v3/io"

ORDERS_V2 = "orders.v2.oas2.yml"
ORDERS_V3 = "orders.v3.yml"
MODIFIERS = "catalog/product-modifiers_catalog.v3.yml"
PRODUCTS = "catalog/products_catalog.v3.yml"
VARIANTS = "catalog/product-variants_catalog.v3.yml"
HOOKS = "webhooks.v3.yml"
SCRIPTS = "scripts.v3.yml"
# B2B Edition's management API lives beside `reference/`, under the docs' B2B section.
B2B = "../docs/b2b-edition/specs/api-v3"
B2B_COMPANY = f"{B2B}/company/company.yaml"
B2B_USER = f"{B2B}/user/user.yaml"
B2B_PAYMENT = f"{B2B}/payment/payment.yaml"

OPERATIONS: tuple[Operation, ...] = (
    # v2 orders: renewals, capture, reconciliation, dedupe.
    Operation("GET", ORDERS_V2, "/orders"),
    Operation("POST", ORDERS_V2, "/orders"),
    Operation("GET", ORDERS_V2, "/orders/{order_id}"),
    Operation("PUT", ORDERS_V2, "/orders/{order_id}"),
    Operation("GET", ORDERS_V2, "/orders/{order_id}/products"),
    Operation("GET", ORDERS_V2, "/orders/{order_id}/shipping_addresses"),
    Operation("GET", ORDERS_V2, "/orders/{order_id}/consignments"),
    Operation("GET", ORDERS_V2, "/orders/{order_id}/shipments"),
    Operation("POST", ORDERS_V2, "/orders/{order_id}/shipments"),
    # v3 orders: transactions, payment actions, order metafields.
    Operation("GET", ORDERS_V3, "/orders/{order_id}/transactions"),
    Operation("POST", ORDERS_V3, "/orders/{order_id}/payment_actions/capture"),
    Operation("POST", ORDERS_V3, "/orders/{order_id}/payment_actions/void"),
    # A refund of an order that debited allotments gives back what its items cover.
    Operation("GET", ORDERS_V3, "/orders/{order_id}/payment_actions/refunds"),
    Operation("GET", ORDERS_V3, "/orders/metafields"),
    Operation("GET", ORDERS_V3, "/orders/{order_id}/metafields"),
    Operation("POST", ORDERS_V3, "/orders/{order_id}/metafields"),
    Operation("PUT", ORDERS_V3, "/orders/{order_id}/metafields/{metafield_id}"),
    # v3 catalog: product search (the plan screen's picker), the plan metafield, variants,
    # the plan modifier.
    Operation("GET", PRODUCTS, "/catalog/products"),
    Operation("GET", PRODUCTS, "/catalog/products/{product_id}/metafields"),
    Operation("POST", PRODUCTS, "/catalog/products/{product_id}/metafields"),
    Operation("PUT", PRODUCTS, "/catalog/products/{product_id}/metafields/{metafield_id}"),
    Operation("GET", VARIANTS, "/catalog/products/{product_id}/variants"),
    Operation("GET", MODIFIERS, "/catalog/products/{product_id}/modifiers"),
    Operation("POST", MODIFIERS, "/catalog/products/{product_id}/modifiers"),
    Operation("PUT", MODIFIERS, "/catalog/products/{product_id}/modifiers/{modifier_id}"),
    # Payments: access tokens, accepted methods, stored instruments, the charge itself.
    Operation("POST", "payments/access-tokens_payments.v3.yml", "/payments/access_tokens"),
    Operation("GET", "payments/accepted-methods_payments.v3.yml", "/payments/methods"),
    Operation("POST", "payments/process_payments.yml", "/payments"),
    Operation("GET", "customers.v3.yml", "/customers/{customerId}/stored-instruments"),
    # Customers: a gift's recipient or a new actor is checked to be a customer of the store;
    # for entitlements a customer's group is read and set through v3 customers, and the groups
    # a plan may name come from v2.
    Operation("GET", "customers.v3.yml", "/customers"),
    Operation("PUT", "customers.v3.yml", "/customers"),
    Operation("GET", "customers.v2.yml", "/customer_groups"),
    # Webhooks registered at install.
    Operation("GET", HOOKS, "/hooks"),
    Operation("POST", HOOKS, "/hooks"),
    Operation("GET", HOOKS, "/hooks/{webhook_id}"),
    Operation("PUT", HOOKS, "/hooks/{webhook_id}"),
    Operation("DELETE", HOOKS, "/hooks/{webhook_id}"),
    # The storefront portal's script, registered at install (found again by name on reinstall).
    Operation("GET", SCRIPTS, "/content/scripts"),
    Operation("POST", SCRIPTS, "/content/scripts"),
    Operation("GET", SCRIPTS, "/content/scripts/{uuid}"),
    Operation("PUT", SCRIPTS, "/content/scripts/{uuid}"),
    Operation("DELETE", SCRIPTS, "/content/scripts/{uuid}"),
    # The storefront's current-customer token (the portal's sign-in).
    Operation("GET", "current_customer.yml", "/customer/current.jwt"),
    # B2B Edition: a buyer's company, the company and its hierarchy, its payment terms and
    # methods (company subscriptions, purchase-order enrollment, the MRR rollup).
    Operation("GET", B2B_USER, "/users/customer/{customerId}"),
    Operation("GET", B2B_COMPANY, "/companies"),
    Operation("GET", B2B_COMPANY, "/companies/{companyId}"),
    Operation("GET", B2B_COMPANY, "/companies/{companyId}/hierarchy"),
    Operation("GET", B2B_COMPANY, "/companies/{companyId}/subsidiaries"),
    Operation("GET", B2B_PAYMENT, "/companies/{companyId}/payment-terms"),
    Operation("GET", B2B_PAYMENT, "/companies/{companyId}/payments"),
)

# v2 answers an empty collection with 204 and no body (the API status codes guide); the
# OpenAPI files list only the 200 for these.
EMPTY_COLLECTION_204 = frozenset(
    {
        ("GET", "/orders"),
        ("GET", "/orders/{order_id}/products"),
        ("GET", "/orders/{order_id}/shipping_addresses"),
        ("GET", "/orders/{order_id}/shipments"),
        ("GET", "/customer_groups"),
    }
)

# Where a derived fact cannot be what BigCommerce answers: (endpoint, status, JSON pointer into
# the response schema, keyword removed). An app's first install lists no hooks, and the spec
# offers no answer for that but a `data` list it says is never empty.
# The payment-methods schema describes stored instruments and supported instrument types as
# cards only, while stored instruments also hold PayPal and bank accounts (the customers
# spec lists `stored_paypal_account` and `stored_bank_account`), which carry no card fields.
_METHODS = "GET /stores/{store_hash}/v3/payments/methods"
_METHOD = "/properties/data/items/properties"
RESPONSE_RELAXATIONS = (
    ("GET /stores/{store_hash}/v3/hooks", "200", "/properties/data", "minItems"),
    (_METHODS, "200", f"{_METHOD}/stored_instruments/items", "required"),
    (
        _METHODS,
        "200",
        f"{_METHOD}/supported_instruments/items/properties/instrument_type",
        "enum",
    ),
)

# v2's `sort` names a field from its enum, optionally followed by `:asc` or `:desc` (the
# parameter's own description says so; its enum lists the fields alone).
SORT_WITH_DIRECTION = frozenset({ORDERS_V2})

SERVER_PREFIX = {
    "https://api.bigcommerce.com/stores/{store_hash}/v2": ("api", API_V2),
    "https://api.bigcommerce.com/stores/{store_hash}/v3": ("api", API_V3),
    "https://payments.bigcommerce.com/stores/{store_hash}": ("payments", PAYMENTS),
    "https://{store_domain}": ("storefront", ""),
    # The store is named by the `X-Store-Hash` header, not the path.
    "https://api-b2b.bigcommerce.com/api/v3/io": ("b2b", B2B_PREFIX),
}

# The login host's code exchange is described in the app guide's prose, not in an OpenAPI
# file; these are its facts (fields, types), written here by hand.
_USER = {
    "type": "object",
    "required": ["id", "email"],
    "properties": {
        "id": {"type": "integer"},
        "username": {"type": "string"},
        "email": {"type": "string"},
    },
}
OAUTH_TOKEN: dict[str, Any] = {
    "host": "login",
    "method": "POST",
    "path": "/oauth2/token",
    "path_params": {},
    "query": {},
    "headers": {},
    "source": "docs/integrations/apps/guide/auth.mdx",
    "request": {
        "content_type": "application/json",
        "required": True,
        "schema": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "client_id",
                "client_secret",
                "code",
                "context",
                "grant_type",
                "redirect_uri",
                "scope",
            ],
            "properties": {
                "client_id": {"type": "string"},
                "client_secret": {"type": "string"},
                "code": {"type": "string"},
                "context": {"type": "string", "pattern": "^stores/[A-Za-z0-9]+$"},
                "grant_type": {"type": "string", "enum": ["authorization_code"]},
                "redirect_uri": {"type": "string", "format": "uri"},
                "scope": {"type": "string"},
            },
        },
    },
    "responses": {
        "200": {
            "content_type": "application/json",
            "schema": {
                "type": "object",
                "required": ["access_token", "scope", "user", "owner", "context", "account_uuid"],
                "properties": {
                    "access_token": {"type": "string"},
                    "scope": {"type": "string"},
                    "user": _USER,
                    "owner": _USER,
                    "context": {"type": "string", "pattern": "^stores/[A-Za-z0-9]+$"},
                    "account_uuid": {"type": "string", "format": "uuid"},
                },
            },
        }
    },
}


def _callback(data: dict[str, Any]) -> dict[str, Any]:
    """The envelope every callback shares, around one scope's `data`."""
    return {
        "type": "object",
        "required": ["scope", "store_id", "data", "hash", "created_at", "producer"],
        "properties": {
            "scope": {"type": "string"},
            "store_id": {"type": "string"},
            "data": data,
            "hash": {"type": "string"},
            "created_at": {"type": "integer"},
            "producer": {"type": "string", "pattern": "^stores/[A-Za-z0-9]+$"},
        },
    }


def _data(kind: str, **fields: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"type": {"type": "string", "enum": [kind]}, **fields}
    return {"type": "object", "required": sorted(props), "properties": props}


_INT = {"type": "integer"}
_STR = {"type": "string"}
_ORDER = _data("order", id=_INT)

# The callbacks we register and accept (docs/integrations/webhooks/events/index.mdx shows each
# as a JSON example; these are the fields and types those examples carry).
WEBHOOKS: dict[str, dict[str, Any]] = {
    "store/order/created": _callback(_ORDER),
    "store/order/updated": _callback(_ORDER),
    "store/order/statusUpdated": _callback(
        _data(
            "order",
            id=_INT,
            status={
                "type": "object",
                "required": ["previous_status_id", "new_status_id"],
                "properties": {"previous_status_id": _INT, "new_status_id": _INT},
            },
        )
    ),
    "store/order/refund/created": _callback(
        _data(
            "order",
            id=_INT,
            refund={"type": "object", "required": ["refund_id"], "properties": {"refund_id": _INT}},
        )
    ),
    "store/order/transaction/created": _callback(
        _data(
            "transaction",
            order_id=_STR,
            transaction_id=_STR,
            transaction_status=_STR,
            transaction_type=_STR,
        )
    ),
    "store/shipment/created": _callback(_data("shipment", id=_INT, orderId=_INT)),
    "store/customer/deleted": _callback(_data("customer", id=_INT)),
    "store/customer/payment/instrument/default/updated": _callback(_data("customer", id=_INT)),
    "store/app/uninstalled": _callback({"type": "object"}),
}

# Answers any operation may give whatever its spec lists: authentication, rate limit, outage.
COMMON_STATUSES = ("401", "403", "429", "500", "502", "503")
V2_ERROR: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["status", "message"],
        "properties": {
            "status": _INT,
            "message": _STR,
            "details": {"type": "object"},
        },
    },
}
# B2B Edition answers every status in one envelope, errors included.
B2B_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["code", "meta"],
    "properties": {"code": {"type": "number"}, "data": {}, "meta": {"type": "object"}},
}
V3_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["status", "title", "type"],
    "properties": {
        "status": _INT,
        "title": _STR,
        "type": _STR,
        "code": _INT,
        "detail": _STR,
        "errors": {"type": "object"},
    },
}
