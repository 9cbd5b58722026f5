"""v3 order metafields: per order, and the batch list that finds orders by namespace and key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, request

from . import catalog_metafields as metafields
from .auth import store_view
from .responses import NOT_FOUND, json_response, v3_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

PERMISSION_SETS = metafields.PERMISSION_SETS
LIMITS = {"namespace": 64, "key": 64, "value": 65535}


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add the order metafield routes to `app`."""

    @app.post("/stores/<store_hash>/v3/orders/<int:order_id>/metafields")
    @store_view(emu)
    def create(store: Store, order_id: int) -> Any:
        if order_id not in store.orders:
            return v3_error(404, NOT_FOUND)
        body = request.get_json(silent=True)
        if problem := _invalid(body):
            return v3_error(422, "JSON data is missing or invalid", errors={"metafield": problem})
        assert isinstance(body, dict)
        fields = store.order_metafields.setdefault(order_id, {})
        if any(
            (m["namespace"], m["key"]) == (body["namespace"], body["key"]) for m in fields.values()
        ):
            return v3_error(409, "A metafield with this namespace and key already exists")
        field = metafields.record(store, body, "order", order_id, emu.client_id)
        fields[field["id"]] = field
        return json_response({"data": field, "meta": {}})

    @app.get("/stores/<store_hash>/v3/orders/<int:order_id>/metafields")
    @store_view(emu)
    def list_for_order(store: Store, order_id: int) -> Any:
        if order_id not in store.orders:
            return v3_error(404, NOT_FOUND)
        found = _matching(list(store.order_metafields.get(order_id, {}).values()))
        return json_response({"data": found, "meta": _meta(found)})

    @app.get("/stores/<store_hash>/v3/orders/metafields")
    @store_view(emu)
    def list_all(store: Store) -> Any:
        every = [m for fields in store.order_metafields.values() for m in fields.values()]
        found = _matching(sorted(every, key=lambda m: m["id"]))
        return json_response({"data": found, "meta": _meta(found)})


def _invalid(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "a JSON object is required"
    for name, longest in LIMITS.items():
        value = body.get(name)
        if not isinstance(value, str) or not 1 <= len(value) <= longest:
            return f"{name} must be a string of 1 to {longest} characters"
    if body.get("permission_set") not in PERMISSION_SETS:
        return f"permission_set must be one of {sorted(PERMISSION_SETS)}"
    return None


def _matching(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for name in ("namespace", "key"):
        if wanted := request.args.get(name):
            fields = [m for m in fields if m[name] == wanted]
    return fields


def _meta(found: list[dict[str, Any]]) -> dict[str, Any]:
    total = len(found)
    return {
        "pagination": {
            "total": total,
            "count": total,
            "per_page": 50,
            "current_page": 1,
            "total_pages": 1,
        }
    }
