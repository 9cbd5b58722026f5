"""BigCommerce's current-customer JWT (`/customer/current.jwt?app_client_id=...`), verified.

The storefront fetches it for the logged-in shopper; BigCommerce signs it HS256 with the
app's client secret, `aud` is the app's client id, it lives 15 minutes and names the store
(`store_hash`) and the customer (`customer.id`).
"""

from __future__ import annotations

import json
from datetime import datetime

import msgspec

from .jwt_tokens import InvalidToken, check_lifetime, verified_claims


class InvalidCustomerToken(InvalidToken):
    """The shopper's token did not verify; `code` is the machine-readable reason."""


class Shopper(msgspec.Struct, frozen=True):
    store_hash: str
    customer_id: int


def storefront_token(body: str) -> str:
    """The JWT in what `/customer/current.jwt` answered, as a storefront script may pass it
    on: the guide sends it as plain text, the reference types it as a JSON string, and a
    script's `response.text()` keeps any trailing newline. All three are the same token."""
    token = body.strip()
    if len(token) >= 2 and token[0] == token[-1] == '"':
        try:
            decoded = json.loads(token)
        except json.JSONDecodeError:
            return token
        return decoded.strip() if isinstance(decoded, str) else token
    return token


def verify_customer_jwt(
    token: str, *, client_secret: str, client_id: str, now: datetime
) -> Shopper:
    claims = verified_claims(
        storefront_token(token), client_secret.encode(), InvalidCustomerToken, audience=client_id
    )
    check_lifetime(claims, now, InvalidCustomerToken)
    if claims.get("operation") != "current_customer":
        raise InvalidCustomerToken("wrong_operation")
    store_hash, customer = claims.get("store_hash"), claims.get("customer")
    customer_id = customer.get("id") if isinstance(customer, dict) else None
    if not isinstance(store_hash, str) or not store_hash:
        raise InvalidCustomerToken("no_store")
    if not isinstance(customer_id, int) or customer_id < 1:
        raise InvalidCustomerToken("no_customer")
    return Shopper(store_hash, customer_id)
