"""The login host's token exchange, and control routes for driving a served emulator by hand."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request

from .responses import json_response, v3_error

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator


def register(app: Flask, emu: BigCommerceEmulator) -> None:
    """Add `POST /oauth2/token` and the `/_emulator/...` control routes to `app`."""

    @app.post("/oauth2/token")
    def oauth_token() -> Any:
        form = request.get_json(silent=True) or request.form.to_dict()
        redeemed = emu.redeem_auth_code(str(form.get("code", "")))
        store_hash, user_id = redeemed or ("", 0)
        if (
            form.get("client_id") != emu.client_id
            or form.get("client_secret") != emu.client_secret
            or redeemed is None
            or form.get("context") not in (None, f"stores/{store_hash}")
        ):
            return v3_error(401, "Invalid client credentials, code or context")
        with emu.lock:
            store = emu.stores[store_hash]
            owner = {"id": 1, "username": "owner", "email": "owner@example.com"}
            # The user who installed: the owner, or another user of the store.
            email = "owner@example.com" if user_id == 1 else f"user{user_id}@example.com"
            user = {"id": user_id, "username": email.split("@")[0], "email": email}
            return json_response(
                {
                    "access_token": store.access_token,
                    "token_type": "bearer",
                    "scope": form.get("scope", ""),
                    "user": user,
                    "owner": owner,
                    "context": f"stores/{store_hash}",
                    "account_uuid": "00000000-0000-4000-8000-000000000001",
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
        return json_response(asdict(customer), 201)

    @app.get("/_emulator/stores/<store_hash>/load")
    def control_load(store_hash: str) -> Any:
        # What BigCommerce puts on the app's /load URL when the merchant opens the app.
        return json_response({"signed_payload_jwt": emu.signed_payload(store_hash)})

    @app.get("/_emulator/stores/<store_hash>/customers/<int:customer_id>/current.jwt")
    def control_current_customer(store_hash: str, customer_id: int) -> Any:
        # The storefront's /customer/current.jwt?app_client_id= as this shopper sees it: the
        # JWT as plain text; a guest (no such shopper) gets a 404. The emulator can sign only
        # for the app it knows, so another client id is answered like a guest.
        client_id = request.args.get("app_client_id")
        if not client_id:
            return v3_error(400, "app_client_id is required")
        with emu.lock:
            store = emu.stores.get(store_hash)
            known = store is not None and customer_id in store.customers
        if not known or client_id != emu.client_id:
            return v3_error(404, "No customer is signed in")
        token = emu.current_customer_jwt(store_hash, customer_id)
        return Response(token, status=200, mimetype="text/plain")

    @app.post("/_emulator/stores/<store_hash>/checkout")
    def control_checkout(store_hash: str) -> Any:
        body = request.get_json(force=True)
        lines = [
            {**line, **({"price": Decimal(str(line["price"]))} if "price" in line else {})}
            for line in body["lines"]
        ]
        order = emu.place_checkout_order(
            store_hash,
            customer_id=int(body["customer_id"]),
            lines=lines,
            save_card=bool(body.get("save_card", True)),
            status_id=int(body.get("status_id", 11)),
            currency=body.get("currency", "USD"),
        )
        return json_response(order, 201)
