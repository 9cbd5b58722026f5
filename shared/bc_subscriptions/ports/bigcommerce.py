"""The BigCommerce port: the calls our services make, in BigCommerce's own shapes.

Models keep only the fields we use and ignore the rest, so a richer real response still
parses. Money stays `Decimal` (BigCommerce sends decimal strings such as "225.0000").
They are msgspec structs, read with `msgspec.convert(..., strict=False)` (a number sent as a
string still reads), as defining them costs a handler's cold start a fraction of what pydantic
models do. Building one checks nothing: the type checker checks our own code, and
`__post_init__` (which msgspec also runs on reading) refuses what no answer may hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal, Protocol

from msgspec import Struct, field


def finite(*amounts: Decimal | None) -> None:
    """Refuse NaN and infinite money, which a decimal string may spell but no price is (in a
    `__post_init__`, msgspec reports it as the answer's `ValidationError`)."""
    for amount in amounts:
        if amount is not None and not amount.is_finite():
            raise ValueError(f"{amount} is not an amount")


class _BcModel(Struct):
    """Unknown fields are ignored (msgspec's default). Each struct says `kw_only` itself, as
    msgspec does not inherit it: fields are always named, never positional."""


class Address(_BcModel, kw_only=True):
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    country_iso2: str = ""
    phone: str = ""
    email: str = ""


class ShippingAddress(Address, kw_only=True):
    shipping_method: str = ""


class Order(_BcModel, kw_only=True):
    """`GET /v2/orders/{id}` (bare JSON, no `data` envelope)."""

    id: int
    customer_id: int
    status_id: int
    status: str = ""
    payment_status: str = ""
    payment_method: str = ""
    # `currency_code` is only the display currency; the shopper pays in `default_currency_code`.
    currency_code: str = "USD"
    default_currency_code: str = ""
    channel_id: int = 1
    shipping_cost_ex_tax: Decimal = Decimal("0")
    shipping_cost_inc_tax: Decimal = Decimal("0")
    subtotal_ex_tax: Decimal = Decimal("0")
    subtotal_inc_tax: Decimal = Decimal("0")
    total_ex_tax: Decimal = Decimal("0")
    total_inc_tax: Decimal = Decimal("0")
    external_source: str | None = None
    external_order_id: str | None = None
    # What the shopper typed into the checkout's Order Comments box (a gift names its
    # recipient here: `domain/gift_note.py`).
    customer_message: str = ""
    billing_address: Address = field(default_factory=Address)
    shipping_address_count: int = 0
    date_created: str = ""
    date_modified: str = ""

    def __post_init__(self) -> None:
        finite(
            self.shipping_cost_ex_tax,
            self.shipping_cost_inc_tax,
            self.subtotal_ex_tax,
            self.subtotal_inc_tax,
            self.total_ex_tax,
            self.total_inc_tax,
        )


class ProductOption(_BcModel, kw_only=True):
    id: int = 0
    option_id: int = 0
    product_option_id: int = 0
    display_name: str = ""
    # The name the merchant gave the option (the shopper sees `display_name`); custom field
    # values arrive in options named `cf:<key>` here.
    display_name_merchant: str = ""
    display_value: str = ""
    value: str = ""


class OrderProduct(_BcModel, kw_only=True):
    """One line of `GET /v2/orders/{id}/products`."""

    id: int
    order_id: int
    product_id: int
    variant_id: int = 0
    name: str = ""
    sku: str = ""
    quantity: int
    base_price: Decimal = Decimal("0")
    price_ex_tax: Decimal
    price_inc_tax: Decimal
    product_options: list[ProductOption] = field(default_factory=list)

    def __post_init__(self) -> None:
        finite(self.base_price, self.price_ex_tax, self.price_inc_tax)


class LineItems(_BcModel, kw_only=True):
    """A consignment's lines, as `include=consignments.line_items` fills them in."""

    line_items: list[OrderProduct] = field(default_factory=list)


class ShippingConsignment(ShippingAddress, kw_only=True):
    """One shipping consignment: an order address (its `id`), what ships there and the cost."""

    id: int
    line_items: list[OrderProduct] = field(default_factory=list)
    cost_ex_tax: Decimal = Decimal("0")
    cost_inc_tax: Decimal = Decimal("0")

    def __post_init__(self) -> None:
        finite(self.cost_ex_tax, self.cost_inc_tax)


class EmailConsignments(_BcModel, kw_only=True):
    gift_certificates: list[LineItems] = field(default_factory=list)


class Consignments(_BcModel, kw_only=True):
    """`consignments` with `consignment_structure=object`: every line is in one of these."""

    shipping: list[ShippingConsignment] = field(default_factory=list)
    pickups: list[LineItems] = field(default_factory=list)
    downloads: list[LineItems] = field(default_factory=list)
    email: EmailConsignments = field(default_factory=EmailConsignments)


class OrderWithConsignments(Order, kw_only=True):
    """`GET /v2/orders/{id}?include=consignments.line_items&consignment_structure=object`."""

    consignments: Consignments = field(default_factory=Consignments)

    @property
    def lines(self) -> list[OrderProduct]:
        """Every line of the order once, lowest id first, whatever consignment holds it."""
        c = self.consignments
        shipped = [line for s in c.shipping for line in s.line_items]
        others = [*c.pickups, *c.downloads, *c.email.gift_certificates]
        found = {line.id: line for line in shipped + [li for g in others for li in g.line_items]}
        return [found[i] for i in sorted(found)]


class NewOrderLine(_BcModel, kw_only=True):
    """A catalog line of `POST /v2/orders`; both prices are set so BC never re-prices. The
    create-order schema types line prices as numbers (order-level money is strings): the
    adapter sends them as floats."""

    product_id: int
    variant_id: int | None = None
    quantity: int
    price_ex_tax: Decimal
    price_inc_tax: Decimal
    product_options: list[dict[str, Any]] = field(default_factory=list)


class NewOrder(_BcModel, kw_only=True):
    """Body of `POST /v2/orders` for a renewal (status 0 so the Payments API accepts it)."""

    customer_id: int
    status_id: int = 0
    billing_address: Address
    shipping_addresses: list[ShippingAddress] = field(default_factory=list)
    products: list[NewOrderLine]
    external_source: str
    external_order_id: str
    # The transactional currency; without it BigCommerce uses the store's default.
    default_currency_code: str | None = None
    channel_id: int | None = None
    payment_method: str | None = None
    # Order-level money goes out as decimal strings, as the schema types it; both or neither.
    shipping_cost_ex_tax: Decimal | None = None
    shipping_cost_inc_tax: Decimal | None = None
    staff_notes: str = ""
    # Shown to the buyer on the order (a purchase-order renewal's PO number and due date).
    customer_message: str | None = None


InstrumentType = Literal["stored_card", "stored_paypal_account", "stored_bank_account"]


class CustomerRecord(_BcModel, kw_only=True):
    """One item of `GET /v3/customers` (`data` envelope): who a store's customer is."""

    id: int
    email: str = ""


class StoredInstrument(_BcModel, kw_only=True):
    """One item of `GET /v3/customers/{id}/stored-instruments` (bare array)."""

    type: str
    token: str
    is_default: bool = False
    brand: str = ""
    last_4: str = ""
    expiry_month: int | None = None
    expiry_year: int | None = None


class Transaction(_BcModel, kw_only=True):
    """One item of `GET /v3/orders/{id}/transactions` (`data` envelope; 204 when none)."""

    id: int
    order_id: str
    event: str  # purchase | authorization | capture | refund | void | pending | settled
    status: str  # ok | error
    amount: Decimal
    currency: str = "USD"
    gateway: str = ""
    gateway_transaction_id: str | None = None
    payment_method_id: str | None = None
    payment_instrument_token: str | None = None
    date_created: str = ""
    # Made by a gateway in test mode: no real money moved.
    test: bool = False

    def __post_init__(self) -> None:
        finite(self.amount)


class AcceptedMethod(_BcModel, kw_only=True):
    """One item of `GET /v3/payments/methods?order_id=` (`data` envelope): a method that can
    pay this order, with the shopper's stored instruments it accepts."""

    id: str
    type: str = ""
    stored_instruments: list[StoredInstrument] = field(default_factory=list)


class CatalogProduct(_BcModel, kw_only=True):
    """One item of `GET /v3/catalog/products` (`data` envelope), the fields we ask for."""

    id: int
    name: str = ""
    sku: str = ""
    price: Decimal = Decimal("0")
    is_visible: bool = True

    def __post_init__(self) -> None:
        finite(self.price)


class PaymentResult(_BcModel, kw_only=True):
    """`POST payments.bigcommerce.com/stores/{hash}/payments` success body (`data`)."""

    id: str
    transaction_type: Literal["purchase", "authorization"]
    status: str  # success | pending


class Webhook(_BcModel, kw_only=True):
    """`/v3/hooks` item (`data` envelope)."""

    id: int
    scope: str
    destination: str
    is_active: bool = True
    headers: dict[str, str] | None = None


class StorefrontScript(_BcModel, kw_only=True):
    """`/v3/content/scripts` item (`data` envelope): a script the storefront loads."""

    uuid: str
    name: str
    src: str | None = None
    kind: str | None = None
    visibility: str | None = None
    consent_category: str | None = None
    api_client_id: str | None = None


class ScriptWrite(_BcModel, kw_only=True):
    """The body of a script create or update: a `src` script, as the storefront portal is."""

    name: str
    description: str
    src: str
    auto_uninstall: bool
    load_method: Literal["default", "async", "defer"]
    location: Literal["head", "footer"]
    visibility: Literal["storefront", "all_pages", "checkout", "order_confirmation"]
    kind: Literal["src"]
    consent_category: Literal["essential", "functional", "analytics", "targeting"]


class Metafield(_BcModel, kw_only=True):
    """`/v3/catalog/products/{id}/metafields` or `/v3/orders/{id}/metafields` item (`data`
    envelope); `value` is a string."""

    id: int
    namespace: str
    key: str
    value: str
    resource_id: int
    permission_set: str = ""
    # The API client that created it: only that client may change it.
    owner_client_id: str = ""


class MetafieldWrite(_BcModel, kw_only=True):
    """The body of a metafield create or full update: every field is required."""

    namespace: str
    key: str
    value: str
    permission_set: Literal[
        "app_only", "read", "write", "read_and_sf_access", "write_and_sf_access"
    ]


class ProductVariant(_BcModel, kw_only=True):
    """`GET /v3/catalog/products/{id}/variants` item (`data` envelope)."""

    id: int
    product_id: int
    sku: str = ""
    calculated_price: Decimal
    purchasing_disabled: bool = False
    option_values: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        finite(self.calculated_price)


class ModifierValue(_BcModel, kw_only=True):
    """One option value of a product modifier; an order line names it by `id`."""

    id: int | None = None
    label: str
    sort_order: int = 0
    is_default: bool = False
    adjusters: dict[str, Any] = field(default_factory=dict)

    @property
    def purchasing_disabled(self) -> bool:
        """The storefront will not sell this value."""
        disabled = self.adjusters.get("purchasing_disabled")
        return bool(disabled.get("status")) if isinstance(disabled, dict) else False


class Modifier(_BcModel, kw_only=True):
    """`/v3/catalog/products/{id}/modifiers` item (`data` envelope)."""

    id: int
    product_id: int
    display_name: str
    type: str
    required: bool = False
    option_values: list[ModifierValue] = field(default_factory=list)


class OAuthUser(_BcModel, kw_only=True):
    """The store user who authorized the app (the token answer's `user`)."""

    id: int
    email: str = ""


class OAuthGrant(_BcModel, kw_only=True):
    """`POST login.bigcommerce.com/oauth2/token` answer; `context` is `stores/{hash}`."""

    access_token: str
    scope: str = ""
    context: str
    user: OAuthUser | None = None


class BigCommerceError(Exception):
    """A BigCommerce call failed; `status`/`code` come from the response when there was one."""

    def __init__(self, message: str, *, status: int | None = None, code: int | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


class BigCommerceUnavailable(BigCommerceError):
    """The request never reached BigCommerce (connect failure): safe to retry."""


class OutcomeUnknown(BigCommerceError):
    """The request may have been applied (timeout or 5xx after sending): read BC before retrying."""


class NotFound(BigCommerceError):
    """404 from BigCommerce."""


class RateLimited(BigCommerceError):
    """429 that outlasted the client's own waiting; nothing was applied."""

    def __init__(self, message: str, *, retry_after_ms: int, status: int = 429):
        super().__init__(message, status=status)
        self.retry_after_ms = retry_after_ms


class PaymentDeclined(BigCommerceError):
    """The Payments API refused the charge (4xx with a BC error code such as 30104)."""


class BigCommerce(Protocol):
    """Every BigCommerce call the services make. `store_hash` comes first, always."""

    def get_order(self, store_hash: str, order_id: int) -> Order: ...

    def get_order_with_consignments(self, store_hash: str, order_id: int) -> OrderWithConsignments:
        """The order, its lines and every consignment (address, method, cost) in one read."""
        ...

    def get_order_products(self, store_hash: str, order_id: int) -> list[OrderProduct]: ...

    def get_order_shipping_addresses(
        self, store_hash: str, order_id: int
    ) -> list[ShippingAddress]: ...

    def list_orders_modified_since(
        self, store_hash: str, since: str, until: str, *, page: int, limit: int
    ) -> list[Order]: ...

    def get_product_metafields(
        self, store_hash: str, product_id: int, namespace: str, key: str
    ) -> list[Metafield]: ...

    def get_product_variants(self, store_hash: str, product_id: int) -> list[ProductVariant]: ...

    def put_product_metafield(
        self,
        store_hash: str,
        product_id: int,
        field: MetafieldWrite,
        metafield_id: int | None,
    ) -> Metafield:
        """Create the product's metafield, or replace `metafield_id` (ours) in full."""
        ...

    def list_product_modifiers(self, store_hash: str, product_id: int) -> list[Modifier]: ...

    def put_dropdown_modifier(
        self,
        store_hash: str,
        product_id: int,
        display_name: str,
        values: list[ModifierValue],
        modifier_id: int | None,
    ) -> Modifier:
        """Create a required dropdown modifier, or make `modifier_id` one with exactly these
        values (a value without an id is a new one; a value left out is deleted)."""
        ...

    def find_orders_by_external_id(self, store_hash: str, external_order_id: str) -> list[Order]:
        """Orders carrying the id, Incomplete ones included (lists leave those out unless
        asked for by status)."""
        ...

    def create_order(self, store_hash: str, order: NewOrder) -> Order: ...

    def tag_order(
        self, store_hash: str, order_id: int, namespace: str, key: str, value: str
    ) -> Metafield:
        """An order metafield the merchant and other apps can read."""
        ...

    def find_orders_by_metafield(self, store_hash: str, namespace: str, key: str) -> list[int]:
        """Ids of the orders carrying the metafield `namespace`/`key`."""
        ...

    def update_order_status(self, store_hash: str, order_id: int, status_id: int) -> Order: ...

    def create_payment_access_token(self, store_hash: str, order_id: int) -> str: ...

    def process_stored_payment(
        self,
        store_hash: str,
        access_token: str,
        instrument_token: str,
        payment_method_id: str,
        *,
        instrument_type: str,
    ) -> PaymentResult:
        """Pay the PAT's order with a stored instrument of `instrument_type` (stored_card,
        stored_paypal_account or stored_bank_account)."""
        ...

    def list_payment_methods(self, store_hash: str, order_id: int) -> list[AcceptedMethod]: ...

    def find_customers(
        self, store_hash: str, *, ids: Sequence[int] = (), emails: Sequence[str] = ()
    ) -> list[CustomerRecord]:
        """The store's customers with these ids or emails (none: not this store's)."""
        ...

    def list_stored_instruments(
        self, store_hash: str, customer_id: int
    ) -> list[StoredInstrument]: ...

    def customer_exists(self, store_hash: str, customer_id: int) -> bool:
        """Whether the store has this customer (`GET /v3/customers?id:in=`)."""
        ...

    def list_order_transactions(self, store_hash: str, order_id: int) -> list[Transaction]: ...

    def request_payment_action(self, store_hash: str, order_id: int, action: str) -> None: ...

    def create_webhook(
        self, store_hash: str, scope: str, destination: str, headers: dict[str, str]
    ) -> Webhook: ...

    def list_webhooks(self, store_hash: str) -> list[Webhook]: ...

    def update_webhook(
        self, store_hash: str, webhook_id: int, headers: dict[str, str], *, is_active: bool = True
    ) -> Webhook: ...

    def list_scripts(self, store_hash: str) -> list[StorefrontScript]: ...

    def create_script(self, store_hash: str, script: ScriptWrite) -> StorefrontScript: ...

    def update_script(
        self, store_hash: str, script_uuid: str, script: ScriptWrite
    ) -> StorefrontScript: ...


class CatalogSearch(Protocol):
    """The merchant's catalog, searched the way the control panel's product search does."""

    def search_products(
        self, store_hash: str, keyword: str, *, limit: int
    ) -> list[CatalogProduct]: ...


class OAuthClient(Protocol):
    """The login host: turns an install callback's one-time code into a store token."""

    def exchange_code(self, code: str, scope: str, context: str) -> OAuthGrant: ...
