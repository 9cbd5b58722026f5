"""Payment access tokens and stored-card charges, checked in the order BigCommerce checks them."""

from __future__ import annotations

import base64
import json
import secrets
import time
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import Response

from .responses import json_response, payment_error, v3_error
from .state import DECLINES, INSTRUMENT_METHODS, Store

if TYPE_CHECKING:
    from .emulator import BigCommerceEmulator

PAT_TTL_S = 3600
PENDING, AWAITING_FULFILLMENT = 1, 11
PAYMENTS_ACCEPT = "application/vnd.bc.v1+json"


def mint_pat(store: Store, order: dict[str, Any]) -> str:
    """A single-use, JWT-shaped token that freezes the order's total for an hour."""
    now = int(time.time())
    amount = Decimal(order["total_inc_tax"])
    claims = {
        "iss": "payments.bigcommerce.com",
        "nbf": now,
        "exp": now + PAT_TTL_S,
        "jti": str(uuid.uuid4()),
        "data": {
            "store_id": int(store.store_id),
            "order_id": order["id"],
            "amount": int(amount * 100),
            "currency": order["default_currency_code"],
        },
    }
    token = ".".join(
        _b64(part)
        for part in (
            json.dumps({"typ": "JWT", "alg": "HS256"}).encode(),
            json.dumps(claims).encode(),
            secrets.token_bytes(32),
        )
    )
    store.pats[token] = {
        "order_id": order["id"],
        "amount": amount,
        "expires": now + PAT_TTL_S,
        "used": False,
    }
    return token


def charge(emu: BigCommerceEmulator, store: Store, token: str, body: Any) -> Response:
    """`POST /stores/{hash}/payments` once the Accept header and PAT format were checked."""
    pat = store.pats.get(token)
    if pat is None or pat["expires"] < time.time():
        return v3_error(401, "Unauthorized: the payment access token is invalid or expired")
    if pat["used"]:
        return v3_error(422, "The payment access token has already been used")
    order = store.orders[pat["order_id"]]
    if order["status_id"] != 0:
        return payment_error(422, "Order is invalid", 30101)
    payment = (body.get("payment") if isinstance(body, dict) else None) or {}
    instrument = payment.get("instrument") or {}
    customer = store.customers.get(order["customer_id"])
    if customer is None or not customer.instrument_token:
        return payment_error(422, "Stored payment instrument could not be found", 30051)
    # The instrument is found by its own type and token, through the method that holds it.
    method_id = str(payment.get("payment_method_id") or "")
    if (
        instrument.get("type") != customer.instrument_type
        or instrument.get("token") != customer.instrument_token
        or method_id != INSTRUMENT_METHODS[customer.instrument_type][0]
    ):
        return payment_error(422, "Stored payment instrument could not be found", 30051)
    if Decimal(order["total_inc_tax"]) != pat["amount"]:
        return payment_error(422, "Line item or grand total validation mismatch", 30004)
    # The gateway saw the request: this token is spent whatever the card says.
    pat["used"] = True
    kind = "authorization" if store.gateway_mode == "authorization" else "purchase"
    if customer.card in DECLINES:
        tx = store.record_transaction(order, kind, "error", customer.instrument_token, method_id)
        emu.outbox.transaction(store, order["id"], tx["id"])
        return payment_error(422, "Payment was declined", DECLINES[customer.card])
    order["payment_method"] = order.get("payment_method") or "Credit Card"
    if store.payment_answer == "pending":
        # Accepted, not settled: a `pending` transaction, the order waits in Pending.
        store.pending_payments[order["id"]] = kind
        tx = store.record_transaction(order, "pending", "ok", customer.instrument_token, method_id)
        previous = store.set_status(order, PENDING)
        order["payment_status"] = "pending"
        emu.outbox.transaction(store, order["id"], tx["id"])
        emu.outbox.status_change(store, order["id"], previous, PENDING)
        result = {"id": str(uuid.uuid4()), "transaction_type": kind, "status": "pending"}
        return json_response({"data": result}, 201)
    _paid(emu, store, order, kind, customer.instrument_token, method_id)
    result = {"id": str(uuid.uuid4()), "transaction_type": kind, "status": "success"}
    return json_response({"data": result}, 201)


def settle_pending(emu: BigCommerceEmulator, store: Store, order_id: int, *, ok: bool) -> None:
    """The gateway settles a pending payment: paid (the payment's own transaction, the order
    awaits fulfilment), or failed (an error transaction, the order is Incomplete again)."""
    kind = store.pending_payments.pop(order_id)
    order = store.orders[order_id]
    pending = next(t for t in store.transactions[order_id] if t["event"] == "pending")
    token, method_id = pending["payment_instrument_token"], pending["payment_method_id"]
    if ok:
        _paid(emu, store, order, kind, token, method_id)
        return
    tx = store.record_transaction(order, kind, "error", token, method_id)
    previous = store.set_status(order, 0)
    order["payment_status"] = ""
    emu.outbox.transaction(store, order_id, tx["id"])
    emu.outbox.status_change(store, order_id, previous, 0)


def _paid(
    emu: BigCommerceEmulator,
    store: Store,
    order: dict[str, Any],
    kind: str,
    token: str | None,
    method_id: str,
) -> None:
    tx = store.record_transaction(order, kind, "ok", token, method_id)
    previous = store.set_status(order, AWAITING_FULFILLMENT)
    order["payment_status"] = "authorized" if kind == "authorization" else "captured"
    emu.outbox.transaction(store, order["id"], tx["id"])
    emu.outbox.status_change(store, order["id"], previous, AWAITING_FULFILLMENT)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
