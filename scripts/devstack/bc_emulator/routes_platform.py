"""v3 platform routes: customers' stored instruments and webhooks (`/v3/hooks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, request

from . import clock
from .auth import store_view
from .instruments import stored_instrument
from .responses import NOT_FOUND, json_response, v3_error
from .state import Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

HOOK_FIELDS = ("scope", "destination", "is_active", "headers")


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add the stored-instrument and webhook routes to `app`."""

    @app.get("/stores/<store_hash>/v3/customers/<int:customer_id>/stored-instruments")
    @store_view(emu)
    def stored_instruments(store: Store, customer_id: int) -> Any:
        customer = store.customers.get(customer_id)
        if customer is None:
            return v3_error(404, NOT_FOUND)
        if customer.instrument_token is None:
            return json_response([])
        # A bare array: this endpoint has no `data` envelope.
        return json_response([stored_instrument(store, customer)])

    @app.route("/stores/<store_hash>/v3/hooks", methods=["GET", "POST"])
    @store_view(emu)
    def hooks(store: Store) -> Any:
        if request.method == "GET":
            found = [h for h in store.hooks.values() if _matches(h, request.args)]
            return json_response({"data": found, "meta": {}})
        body = request.get_json(silent=True) or {}
        if problem := _invalid_hook(body):
            return v3_error(422, problem)
        now = int(clock.now().timestamp())
        hook = {
            "id": store.take_id("hook_id"),
            "client_id": emu.client_id,
            "store_hash": store.hash,
            "created_at": now,
            "updated_at": now,
            "scope": body["scope"],
            "destination": body["destination"],
            "is_active": bool(body.get("is_active", True)),
            "headers": body.get("headers"),
        }
        store.hooks[hook["id"]] = hook
        return json_response({"data": hook, "meta": {}})

    @app.route("/stores/<store_hash>/v3/hooks/<int:hook_id>", methods=["GET", "PUT", "DELETE"])
    @store_view(emu)
    def hook(store: Store, hook_id: int) -> Any:
        found = store.hooks.get(hook_id)
        if found is None:
            return v3_error(404, NOT_FOUND)
        if request.method == "DELETE":
            del store.hooks[hook_id]
        elif request.method == "PUT":
            body = request.get_json(silent=True) or {}
            changed = {**found, **{k: body[k] for k in HOOK_FIELDS if k in body}}
            if problem := _invalid_hook(changed):
                return v3_error(422, problem)
            found.update(changed, updated_at=int(clock.now().timestamp()))
        return json_response({"data": found, "meta": {}})


def _invalid_hook(hook: dict[str, Any]) -> str | None:
    if not hook.get("scope") or not hook.get("destination"):
        return "scope and destination are required"
    if not str(hook["destination"]).startswith("https://"):
        return "destination must be an https URL"
    headers = hook.get("headers")
    if headers is not None and not (
        isinstance(headers, dict) and all(isinstance(v, str) for v in headers.values())
    ):
        return "headers must be an object of strings"
    return None


def _matches(hook: dict[str, Any], args: Any) -> bool:
    if (active := args.get("is_active")) is not None and hook["is_active"] != (active == "true"):
        return False
    return all(args.get(k) in (None, hook[k]) for k in ("scope", "destination"))
