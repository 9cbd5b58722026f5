"""v3 customers: the store's customers by id or email (`GET /v3/customers`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, request

from .auth import store_view
from .paging import BadPaging, v3_page
from .responses import json_response, v3_error
from .state import Customer, Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add the customer list to `app`."""

    @app.get("/stores/<store_hash>/v3/customers")
    @store_view(emu)
    def customers(store: Store) -> Any:
        ids, emails = _listed(request.args.get("id:in")), _listed(request.args.get("email:in"))
        if any(not i.isdigit() for i in ids):
            # The spec types `id:in` as integers: anything else is the documented 422.
            return v3_error(422, "The filter(s): id:in specified are invalid.")
        wanted = sorted(store.customers.values(), key=lambda c: c.id)
        if ids:
            wanted = [c for c in wanted if str(c.id) in ids]
        if emails:
            # BigCommerce compares emails without regard to case.
            lowered = {e.lower() for e in emails}
            wanted = [c for c in wanted if c.email.lower() in lowered]
        try:
            page, meta = v3_page([_view(c) for c in wanted], request.args)
        except BadPaging as exc:
            return v3_error(422, str(exc))
        return json_response({"data": page, "meta": meta})


def _listed(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()]


def _view(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "customer_group_id": 0,
    }
