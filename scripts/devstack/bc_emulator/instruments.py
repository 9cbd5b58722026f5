"""Stored instruments in BigCommerce's shapes: cards, PayPal accounts and bank accounts."""

from __future__ import annotations

from typing import Any

from . import clock
from .state import INSTRUMENT_METHODS, Customer, Store


def stored_instrument(store: Store, customer: Customer) -> dict[str, Any]:
    """The customer's one stored instrument, as `GET /v3/customers/{id}/stored-instruments`
    lists it (the methods endpoint lists the same object under its method)."""
    base: dict[str, Any] = {"type": customer.instrument_type, "is_default": True}
    base["token"] = customer.instrument_token
    if customer.instrument_type == "stored_paypal_account":
        return base | {"email": customer.email}
    if customer.instrument_type == "stored_bank_account":
        return base | {"masked_account_number": "****6789", "issuer": "011000015"}
    address = store.address(customer.id)
    expired = customer.card == "expired"
    return base | {
        "brand": "visa",
        "last_4": "4242",
        "expiry_month": 12,
        "expiry_year": clock.now().year + (-1 if expired else 3),
        "issuer_identification_number": "424242",
        "billing_address": {
            "first_name": address["first_name"],
            "last_name": address["last_name"],
            "email": address["email"],
            "company": "",
            "address1": address["street_1"],
            "address2": "",
            "city": address["city"],
            "postal_code": address["zip"],
            "state_or_province": address["state"],
            "state_or_province_code": "TX",
            "country_code": address["country_iso2"],
            "phone": "",
        },
    }


def accepted_methods(store: Store, customer: Customer | None) -> list[dict[str, Any]]:
    """`GET /v3/payments/methods?order_id=`: the store's gateway methods, each with the
    order's shopper's stored instruments it can charge."""
    methods = []
    for kind, (method_id, method_type, _) in INSTRUMENT_METHODS.items():
        stored = []
        if customer is not None and customer.instrument_token and customer.instrument_type == kind:
            stored = [stored_instrument(store, customer)]
        methods.append(
            {
                "id": method_id,
                "name": method_id.split(".")[0].title(),
                "test_mode": True,
                "type": method_type,
                "supported_instruments": [{"instrument_type": kind.upper()}],
                "stored_instruments": stored,
            }
        )
    return methods
