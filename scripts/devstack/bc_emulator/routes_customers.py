"""Customers and customer groups: `/v3/customers` (read by id, email or group; update) and
`/v2/customer_groups`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, request

from . import customer_groups
from .auth import store_view
from .paging import BadPaging, v3_page
from .responses import json_response, no_content, v2_error, v3_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

UPDATE_FAILED = "Update customers failed."
INVALID_FILTER = "The filter is invalid."


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add the customer and customer group routes to `app`."""

    @app.get("/stores/<store_hash>/v3/customers")
    @store_view(emu)
    def customers(store: Store) -> Any:
        try:
            ids = _ids(request.args.get("id:in"))
            groups = _ids(request.args.get("customer_group_id:in"))
        except ValueError as exc:
            return v3_error(422, INVALID_FILTER, errors={"filter": str(exc)})
        # BigCommerce compares emails without regard to case.
        emails = _emails(request.args.get("email:in"))
        found = [
            c
            for _, c in sorted(store.customers.items())
            if (ids is None or c.id in ids)
            and (groups is None or c.customer_group_id in groups)
            and (emails is None or c.email.lower() in emails)
        ]
        try:
            page, meta = v3_page(found, request.args)
        except BadPaging as exc:
            return v3_error(422, INVALID_FILTER, errors={"page": str(exc)})
        data = [customer_groups.customer_view(store, c) for c in page]
        return json_response({"data": data, "meta": meta})

    @app.put("/stores/<store_hash>/v3/customers")
    @store_view(emu)
    def update_customers(store: Store) -> Any:
        body = request.get_json(silent=True)
        if isinstance(body, list) and len(body) > customer_groups.MAX_CUSTOMERS_PER_PUT:
            limit = customer_groups.MAX_CUSTOMERS_PER_PUT
            return v3_error(413, f"At most {limit} customers may be updated in one request.")
        if problems := customer_groups.update_problems(store, body):
            return v3_error(422, UPDATE_FAILED, errors=problems)
        assert isinstance(body, list)
        changed = customer_groups.apply_update(store, body)
        data = [customer_groups.customer_view(store, c) for c in changed]
        return json_response({"data": data, "meta": {}})

    @app.get("/stores/<store_hash>/v2/customer_groups")
    @store_view(emu)
    def groups(store: Store) -> Any:
        try:
            page = _whole(request.args.get("page"), 1)
            limit = min(_whole(request.args.get("limit"), 50), 250)
        except ValueError as exc:
            return v2_error(400, str(exc))
        found = [g for _, g in sorted(store.customer_groups.items())]
        if (name := request.args.get("name")) is not None:
            found = [g for g in found if g["name"] == name]
        found = found[(page - 1) * limit : page * limit]
        return json_response(found) if found else no_content()


def _ids(raw: str | None) -> set[int] | None:
    if raw is None:
        return None
    try:
        return {int(part) for part in raw.split(",") if part.strip()}
    except ValueError:
        raise ValueError("ids must be whole numbers separated by commas") from None


def _emails(raw: str | None) -> set[str] | None:
    if raw is None:
        return None
    return {part.strip().lower() for part in raw.split(",") if part.strip()}


def _whole(raw: str | None, default: int) -> int:
    if raw is None:
        return default
    try:
        value = int(float(raw))
    except ValueError:
        raise ValueError("page and limit must be numbers") from None
    if value < 1:
        raise ValueError("page and limit must be at least 1")
    return value
