"""What `POST /v2/orders` refuses, and how `GET /v2/orders` filters and pages."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from .state import STATUS_NAMES, Store

INCOMPLETE = 0
MONEY_FIELDS = ("shipping_cost_ex_tax", "shipping_cost_inc_tax")
STRING_FIELDS = ("external_source", "external_order_id", "payment_method", "staff_notes")


def invalid_new_order(body: dict[str, Any], store: Store) -> str | None:
    """Why BigCommerce would refuse this `POST /v2/orders` body, or None."""
    address = body.get("billing_address")
    if not isinstance(address, dict) or len(str(address.get("zip", ""))) < 2:
        return "The field 'billing_address.zip' is invalid: at least 2 characters are required."
    lines = body.get("products")
    if not isinstance(lines, list) or not lines:
        return "The required field 'products' was not supplied."
    for line in lines:
        if problem := _invalid_line(line, store.products):
            return problem
    if int(body.get("status_id", 1)) not in STATUS_NAMES:
        return "The field 'status_id' is invalid."
    return _invalid_order_fields(body, store)


def _invalid_line(line: Any, products: dict[int, Any]) -> str | None:
    if not isinstance(line, dict):
        return "The field 'products' is invalid: a list of line objects is required."
    if int(line.get("product_id") or 0) not in products:
        return f"The product {line.get('product_id')} does not exist."
    if ("price_ex_tax" in line) != ("price_inc_tax" in line):
        return "Both 'price_ex_tax' and 'price_inc_tax' must be overridden, or neither."
    for name in ("price_ex_tax", "price_inc_tax"):
        # The schema types line prices as numbers (the stricter reading: no strings).
        if name in line and (not _is_number(line[name]) or line[name] < 0):
            return f"The field '{name}' must be a number that is not negative."
    if not isinstance(line.get("quantity"), int) or line["quantity"] < 1:
        return "The field 'quantity' must be an integer of at least 1."
    return None


def _invalid_order_fields(body: dict[str, Any], store: Store) -> str | None:
    currency = body.get("default_currency_code")
    if currency is not None and currency not in store.transactional_currencies:
        return f"The field 'default_currency_code' is invalid: {currency} is not transactional."
    channel = body.get("channel_id", 1)
    if not isinstance(channel, int) or channel not in store.channels:
        return "The field 'channel_id' is invalid: no such enabled channel."
    if ("shipping_cost_ex_tax" in body) != ("shipping_cost_inc_tax" in body):
        return "Both 'shipping_cost_ex_tax' and 'shipping_cost_inc_tax' must be given, or neither."
    for name in MONEY_FIELDS:
        if name in body and not _is_money(body[name]):
            return f"The field '{name}' is invalid: a number that is not negative is required."
    for name in STRING_FIELDS:
        if name in body and body[name] is not None and not isinstance(body[name], str):
            return f"The field '{name}' must be a string."
    addresses = body.get("shipping_addresses", [])
    if not isinstance(addresses, list) or not all(
        isinstance(a, dict) and all(isinstance(v, str) for v in a.values()) for a in addresses
    ):
        return "The field 'shipping_addresses' is invalid: a list of address objects is required."
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_money(value: Any) -> bool:
    """Order-level money: a float, an integer or a float as a string, never negative."""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return False
    return _is_number(value) and value >= 0


def matching(orders: list[dict[str, Any]], args: Any) -> list[dict[str, Any]]:
    """`GET /v2/orders` filters, sorted by id."""
    found = sorted(orders, key=lambda o: o["id"])
    if ext := args.get("external_order_id"):
        found = [o for o in found if o.get("external_order_id") == ext]
    if (status := args.get("status_id")) is not None:
        found = [o for o in found if o["status_id"] == int(status)]
    else:
        found = [o for o in found if o["status_id"] != INCOMPLETE]
    if (customer := args.get("customer_id")) is not None:
        found = [o for o in found if o["customer_id"] == int(customer)]
    if since := args.get("min_date_modified"):
        floor = parse_date(since)
        found = [o for o in found if parse_date(o["date_modified"]) >= floor]
    if until := args.get("max_date_modified"):
        ceiling = parse_date(until)
        found = [o for o in found if parse_date(o["date_modified"]) <= ceiling]
    if args.get("sort") == "id:desc":
        found.reverse()
    return found


def parse_date(text: str) -> datetime:
    """RFC 2822 or ISO 8601, as BigCommerce's date filters accept."""
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def page(items: list[Any], args: Any, default_limit: int = 50) -> list[Any]:
    """`page` (from 1) and `limit` (at most 250)."""
    number = max(int(args.get("page", 1)), 1)
    limit = min(max(int(args.get("limit", default_limit)), 1), 250)
    return items[(number - 1) * limit : number * limit]
