"""v3 catalog: product metafields, where merchants keep each product's subscription plan."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Flask, request

from .auth import store_view
from .responses import NOT_FOUND, json_response, v3_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add `GET|POST /v3/catalog/products/{id}/metafields`, `PUT .../{metafield_id}` and
    `GET /v3/catalog/products/{id}/variants`, `GET|POST .../modifiers` and
    `PUT .../modifiers/{modifier_id}`."""

    @app.route(
        "/stores/<store_hash>/v3/catalog/products/<int:product_id>/metafields",
        methods=["GET", "POST"],
    )
    @store_view(emu)
    def metafields(store: Store, product_id: int) -> Any:
        if product_id not in store.products:
            return v3_error(404, NOT_FOUND)
        if request.method == "POST":
            body = request.get_json(silent=True) or {}
            field = put_metafield(store, product_id, body, emu.client_id)
            if isinstance(field, str):
                return v3_error(409 if "exists" in field else 422, field)
            return json_response({"data": field, "meta": {}})
        found = [
            m
            for m in store.metafields.get(product_id, {}).values()
            if all(request.args.get(k) in (None, m[k]) for k in ("namespace", "key"))
        ]
        meta = {"pagination": {"total": len(found), "count": len(found), "current_page": 1}}
        return json_response({"data": found, "meta": meta})

    @app.get("/stores/<store_hash>/v3/catalog/products/<int:product_id>/variants")
    @store_view(emu)
    def variants(store: Store, product_id: int) -> Any:
        product = store.products.get(product_id)
        if product is None:
            return v3_error(404, NOT_FOUND)
        found = [
            v
            | {
                "price": None if v["price"] is None else float(v["price"]),
                "calculated_price": float(v["price"] or product["price"]),
            }
            for v in store.variants.get(product_id, {}).values()
        ]
        meta = {"pagination": {"total": len(found), "count": len(found), "current_page": 1}}
        return json_response({"data": found, "meta": meta})

    @app.route(
        "/stores/<store_hash>/v3/catalog/products/<int:product_id>/modifiers",
        methods=["GET", "POST"],
    )
    @store_view(emu)
    def modifiers(store: Store, product_id: int) -> Any:
        if product_id not in store.products:
            return v3_error(404, NOT_FOUND)
        mods = store.modifiers.setdefault(product_id, {})
        if request.method == "POST":
            body = request.get_json(silent=True) or {}
            for name in ("type", "display_name"):
                if not isinstance(body.get(name), str) or not body[name]:
                    return v3_error(422, f"{name} is required")
            modifier_id = store.take_id("modifier_id")
            mods[modifier_id] = {
                "id": modifier_id,
                "product_id": product_id,
                "name": f"{body['display_name']}{modifier_id}",
                "display_name": body["display_name"],
                "type": body["type"],
                "required": bool(body.get("required", False)),
                "sort_order": int(body.get("sort_order", 0)),
                "config": body.get("config") or {},
                "option_values": _values(store, modifier_id, body.get("option_values") or []),
            }
            return json_response({"data": mods[modifier_id], "meta": {}})
        found = list(mods.values())
        meta = {"pagination": {"total": len(found), "count": len(found), "current_page": 1}}
        return json_response({"data": found, "meta": meta})

    @app.put("/stores/<store_hash>/v3/catalog/products/<int:product_id>/modifiers/<int:mod_id>")
    @store_view(emu)
    def modifier(store: Store, product_id: int, mod_id: int) -> Any:
        found = store.modifiers.get(product_id, {}).get(mod_id)
        if found is None:
            return v3_error(404, NOT_FOUND)
        body = request.get_json(silent=True) or {}
        if "display_name" in body:
            found["display_name"] = str(body["display_name"])
        if "option_values" in body:
            found["option_values"] = _values(store, mod_id, body["option_values"])
        return json_response({"data": found, "meta": {}})

    @app.put("/stores/<store_hash>/v3/catalog/products/<int:product_id>/metafields/<int:mf_id>")
    @store_view(emu)
    def metafield(store: Store, product_id: int, mf_id: int) -> Any:
        found = store.metafields.get(product_id, {}).get(mf_id)
        if found is None:
            return v3_error(404, NOT_FOUND)
        body = request.get_json(silent=True) or {}
        if "value" in body:
            found.update(value=str(body["value"]), date_modified=_now())
        return json_response({"data": found, "meta": {}})


def _values(store: Store, modifier_id: int, values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A modifier's option values as BigCommerce keeps them (ids kept when sent back)."""
    return [
        {
            "id": v.get("id") or store.take_id("option_value_id"),
            "option_id": modifier_id,
            "label": str(v["label"]),
            "sort_order": int(v.get("sort_order", i)),
            "value_data": v.get("value_data") or {},
            "is_default": bool(v.get("is_default", False)),
            "adjusters": v.get("adjusters") or {},
        }
        for i, v in enumerate(values)
    ]


def put_metafield(
    store: Store, product_id: int, body: dict[str, Any], client_id: str
) -> dict[str, Any] | str:
    """A new metafield, or why BigCommerce would refuse it (409 for a duplicate key)."""
    for name in ("namespace", "key", "value", "permission_set"):
        if not isinstance(body.get(name), str) or not body[name]:
            return f"{name} is required"
    fields = store.metafields.setdefault(product_id, {})
    same = (body["namespace"], body["key"])
    if any((m["namespace"], m["key"]) == same for m in fields.values()):
        return "a metafield with this namespace and key already exists"
    now = _now()
    field = {
        "id": store.take_id("metafield_id"),
        "namespace": body["namespace"],
        "key": body["key"],
        "value": body["value"],
        "permission_set": body["permission_set"],
        "description": str(body.get("description", "")),
        "resource_type": "product",
        "resource_id": product_id,
        "date_created": now,
        "date_modified": now,
        "owner_client_id": client_id,
    }
    fields[field["id"]] = field
    return field


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
