"""v3 catalog: product metafields (where merchants keep each product's plan), variants and
modifiers, with the refusals the catalog spec documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request

from . import catalog_metafields as mf
from .auth import store_view
from .catalog_modifiers import modifier_problems, stored_values, unknown_value_ids
from .catalog_search import search
from .paging import BadPaging, v3_page
from .responses import NOT_FOUND, json_response, v3_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

INVALID = "The request payload is not valid."


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add `GET|POST /v3/catalog/products/{id}/metafields`, `PUT .../{metafield_id}` and
    `GET /v3/catalog/products/{id}/variants`, `GET|POST .../modifiers` and
    `PUT .../modifiers/{modifier_id}`. Every caller holding the store's token is the app's
    own client (`emu.client_id`): fields other clients own are shown as their set allows.
    `GET /v3/catalog/products` searches by `keyword` (see `catalog_search`)."""

    @app.get("/stores/<store_hash>/v3/catalog/products")
    @store_view(emu)
    def products(store: Store) -> Any:
        return _collection(search(store.products.values(), request.args))

    @app.route(
        "/stores/<store_hash>/v3/catalog/products/<int:product_id>/metafields",
        methods=["GET", "POST"],
    )
    @store_view(emu)
    def metafields(store: Store, product_id: int) -> Any:
        if product_id not in store.products:
            return v3_error(404, NOT_FOUND)
        if request.method == "POST":
            body = _body()
            if errors := mf.problems(body):
                return v3_error(422, INVALID, errors=errors)
            field = mf.create(store, product_id, body, emu.client_id)
            if field is None:
                return v3_error(409, "A metafield with this namespace and key already exists")
            return json_response({"data": field, "meta": {}})
        found = [
            m
            for m in store.metafields.get(product_id, {}).values()
            if mf.visible(m, emu.client_id)
            and all(request.args.get(k) in (None, m[k]) for k in ("namespace", "key"))
        ]
        return _collection(found)

    @app.put("/stores/<store_hash>/v3/catalog/products/<int:product_id>/metafields/<int:mf_id>")
    @store_view(emu)
    def metafield(store: Store, product_id: int, mf_id: int) -> Any:
        found = store.metafields.get(product_id, {}).get(mf_id)
        if found is None or not mf.visible(found, emu.client_id):
            return v3_error(404, NOT_FOUND)
        body = _body()
        if errors := mf.problems(body):
            return v3_error(400, "Input is invalid", detail="; ".join(errors.values()))
        if found["owner_client_id"] != emu.client_id and mf.changes_owned_fields(found, body):
            return v3_error(403, "Only the API account that created this metafield may change it")
        found.update({name: body[name] for name in mf.OWNED}, date_modified=mf.now_iso())
        if "description" in body:
            found["description"] = str(body["description"])
        return json_response({"data": found, "meta": {}})

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
        return _collection(found)

    @app.route(
        "/stores/<store_hash>/v3/catalog/products/<int:product_id>/modifiers",
        methods=["GET", "POST"],
    )
    @store_view(emu)
    def modifiers(store: Store, product_id: int) -> Any:
        if product_id not in store.products:
            return v3_error(404, NOT_FOUND)
        mods = store.modifiers.setdefault(product_id, {})
        if request.method == "GET":
            return _collection(list(mods.values()))
        body = _body()
        if errors := modifier_problems(body, creating=True):
            return v3_error(422, INVALID, errors=errors)
        if unknown_value_ids([], body.get("option_values") or []):
            return v3_error(
                422, INVALID, errors={"option_values": "values of a new modifier cannot name ids"}
            )
        modifier_id = store.take_id("modifier_id")
        mods[modifier_id] = {
            "id": modifier_id,
            "product_id": product_id,
            "name": f"{body['display_name']}{modifier_id}",
            "display_name": body["display_name"],
            "type": body["type"],
            "required": body["required"],
            "sort_order": int(body.get("sort_order", 0)),
            "config": body.get("config") or {},
            "option_values": stored_values(store, modifier_id, body.get("option_values") or []),
        }
        return json_response({"data": mods[modifier_id], "meta": {}})

    @app.put("/stores/<store_hash>/v3/catalog/products/<int:product_id>/modifiers/<int:mod_id>")
    @store_view(emu)
    def modifier(store: Store, product_id: int, mod_id: int) -> Any:
        found = store.modifiers.get(product_id, {}).get(mod_id)
        if found is None:
            return v3_error(404, NOT_FOUND)
        body = _body()
        if errors := modifier_problems(body, creating=False):
            return v3_error(422, INVALID, errors=errors)
        values = body.get("option_values")
        if values is not None and (unknown := unknown_value_ids(found["option_values"], values)):
            message = f"option value ids {unknown} are not values of this modifier"
            return v3_error(422, INVALID, errors={"option_values": message})
        found.update(type=body["type"], required=body["required"])
        if "display_name" in body:
            found["display_name"] = str(body["display_name"])
        if values is not None:
            found["option_values"] = stored_values(store, mod_id, values)
        return json_response({"data": found, "meta": {}})


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _collection(items: list[dict[str, Any]]) -> Response:
    """A v3 list answer, one page of it as `page` and `limit` ask."""
    try:
        found, meta = v3_page(items, request.args)
    except BadPaging as exc:
        return v3_error(422, INVALID, errors={"page": str(exc)})
    return json_response({"data": found, "meta": meta})
