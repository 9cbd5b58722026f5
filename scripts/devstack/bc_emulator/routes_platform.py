"""Customers' stored instruments, webhooks (v3 hooks), OAuth token exchange, and control routes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, jsonify, request

from .auth import authorized_store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    from .app import error

    @app.get("/stores/<store_hash>/v3/customers/<int:customer_id>/stored-instruments")
    def stored_instruments(store_hash: str, customer_id: int) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            customer = store.customers.get(customer_id)
            if customer is None:
                return error(404, "The requested resource was not found.")
            if customer.instrument_token is None:
                return jsonify([])
            return jsonify(
                [
                    {
                        "type": "stored_card",
                        "token": customer.instrument_token,
                        "is_default": True,
                        "brand": "VISA",
                        "last_4": "4242",
                        "expiry_month": 12,
                        "expiry_year": 2030,
                        "issuer_identification_number": "424242",
                        "billing_address": store.address(customer_id),
                    }
                ]
            )

    @app.route("/stores/<store_hash>/v3/hooks", methods=["GET", "POST"])
    def hooks(store_hash: str) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            if request.method == "GET":
                return jsonify({"data": list(store.hooks.values()), "meta": {}})
            body = request.get_json(silent=True) or {}
            if not body.get("scope") or not str(body.get("destination", "")).startswith("https://"):
                return error(422, "scope and an https destination are required")
            now = int(datetime.now(UTC).timestamp())
            hook = {
                "id": store.next_hook_id,
                "client_id": emu.client_id,
                "store_hash": store_hash,
                "created_at": now,
                "updated_at": now,
                "scope": body["scope"],
                "destination": body["destination"],
                "is_active": bool(body.get("is_active", True)),
                "headers": body.get("headers"),
            }
            store.hooks[hook["id"]] = hook
            store.next_hook_id += 1
            return jsonify({"data": hook, "meta": {}})

    @app.route("/stores/<store_hash>/v3/hooks/<int:hook_id>", methods=["GET", "PUT", "DELETE"])
    def hook(store_hash: str, hook_id: int) -> Any:
        with emu.lock:
            store = authorized_store(emu, store_hash)
            if isinstance(store, Response):
                return store
            found = store.hooks.get(hook_id)
            if found is None:
                return error(404, "The requested resource was not found.")
            if request.method == "DELETE":
                del store.hooks[hook_id]
            elif request.method == "PUT":
                body = request.get_json(silent=True) or {}
                found.update(
                    {
                        k: body[k]
                        for k in ("scope", "destination", "is_active", "headers")
                        if k in body
                    }
                )
                found["updated_at"] = int(datetime.now(UTC).timestamp())
            return jsonify({"data": found, "meta": {}})

    @app.post("/oauth2/token")
    def oauth_token() -> Any:
        form = request.get_json(silent=True) or request.form.to_dict()
        store_hash = emu._auth_codes.pop(str(form.get("code")), None)
        if (
            form.get("client_id") != emu.client_id
            or form.get("client_secret") != emu.client_secret
            or not store_hash
        ):
            return error(401, "Invalid client credentials or code")
        with emu.lock:
            store = emu.stores[store_hash]
            return jsonify(
                {
                    "access_token": store.access_token,
                    "scope": form.get("scope", ""),
                    "user": {"id": 1, "username": "owner", "email": "owner@example.com"},
                    "owner": {"id": 1, "username": "owner", "email": "owner@example.com"},
                    "context": f"stores/{store_hash}",
                    "account_uuid": "00000000-0000-0000-0000-000000000001",
                }
            )

    @app.post("/_emulator/stores/<store_hash>/customers")
    def control_customer(store_hash: str) -> Any:
        body = request.get_json(force=True)
        customer = emu.add_customer(
            store_hash,
            email=body["email"],
            first_name=body.get("first_name", ""),
            last_name=body.get("last_name", ""),
            card=body.get("card", "ok"),
        )
        return jsonify(customer.__dict__)

    @app.post("/_emulator/stores/<store_hash>/checkout")
    def control_checkout(store_hash: str) -> Any:
        body = request.get_json(force=True)
        lines = [
            {**line, **({"price": Decimal(str(line["price"]))} if "price" in line else {})}
            for line in body["lines"]
        ]
        return jsonify(
            emu.place_checkout_order(store_hash, customer_id=int(body["customer_id"]), lines=lines)
        )
