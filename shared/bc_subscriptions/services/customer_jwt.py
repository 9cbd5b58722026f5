"""BigCommerce's current-customer JWT (`/customer/current.jwt?app_client_id=...`), verified.

The storefront fetches it for the logged-in shopper; BigCommerce signs it HS256 with the
app's client secret, `aud` is the app's client id, it lives 15 minutes and names the store
(`store_hash`) and the customer (`customer.id`). Only HS256 is accepted; the signature is
compared in constant time before any claim is trusted.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from .signed_payload import LEEWAY_S, InvalidSignedPayload, _b64, _json


class InvalidCustomerToken(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Shopper:
    store_hash: str
    customer_id: int


def verify_customer_jwt(
    token: str, *, client_secret: str, client_id: str, now: datetime
) -> Shopper:
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidCustomerToken("malformed")
    try:
        header, claims = _json(parts[0]), _json(parts[1])
        signature = _b64(parts[2])
    except InvalidSignedPayload as exc:
        raise InvalidCustomerToken("malformed") from exc
    if header.get("alg") != "HS256":
        raise InvalidCustomerToken("unsupported_algorithm")
    signed = f"{parts[0]}.{parts[1]}".encode()
    expected = hmac.new(client_secret.encode(), signed, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        raise InvalidCustomerToken("bad_signature")
    if claims.get("aud") != client_id:
        raise InvalidCustomerToken("wrong_audience")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp + LEEWAY_S <= now.timestamp():
        raise InvalidCustomerToken("expired")
    if claims.get("operation") != "current_customer":
        raise InvalidCustomerToken("wrong_operation")
    store_hash, customer = claims.get("store_hash"), claims.get("customer")
    customer_id = customer.get("id") if isinstance(customer, dict) else None
    if not isinstance(store_hash, str) or not store_hash:
        raise InvalidCustomerToken("no_store")
    if not isinstance(customer_id, int) or customer_id < 1:
        raise InvalidCustomerToken("no_customer")
    return Shopper(store_hash, customer_id)
