"""What `POST /v2/orders` refuses, and how `GET /v2/orders` filters and pages."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from .state import STATUS_NAMES


def invalid_new_order(body: dict[str, Any], products: dict[int, Any]) -> str | None:
    """Why BigCommerce would refuse this `POST /v2/orders` body, or None."""
    address = body.get("billing_address")
    if not isinstance(address, dict) or len(str(address.get("zip", ""))) < 2:
        return "The field 'billing_address.zip' is invalid: at least 2 characters are required."
    lines = body.get("products")
    if not isinstance(lines, list) or not lines:
        return "The required field 'products' was not supplied."
    for line in lines:
        if not isinstance(line, dict) or int(line.get("product_id") or 0) not in products:
            return f"The product {line.get('product_id')} does not exist."
        if ("price_ex_tax" in line) != ("price_inc_tax" in line):
            return "Both 'price_ex_tax' and 'price_inc_tax' must be overridden, or neither."
        if int(line.get("quantity") or 0) < 1:
            return "The field 'quantity' must be at least 1."
    if int(body.get("status_id", 1)) not in STATUS_NAMES:
        return "The field 'status_id' is invalid."
    return None


def matching(orders: list[dict[str, Any]], args: Any) -> list[dict[str, Any]]:
    """`GET /v2/orders` filters, sorted by id."""
    found = sorted(orders, key=lambda o: o["id"])
    if ext := args.get("external_order_id"):
        found = [o for o in found if o.get("external_order_id") == ext]
    if (status := args.get("status_id")) is not None:
        found = [o for o in found if o["status_id"] == int(status)]
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
