"""Every mutating route of the admin and portal APIs, with a valid body for each: what the
scoping tests try across stores and across customers (here and on the whole topology)."""

from __future__ import annotations

from typing import Any

from .world import PRODUCT_ID

ADDRESS = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "street_1": "1 Navy Way",
    "city": "Arlington",
    "zip": "22202",
    "country_iso2": "US",
}
TERM = {"term_end_at": "2030-01-01T00:00:00Z", "notice_period_days": 30, "mode": "block"}

# (method, route after the subscription id, a valid body)
SUBSCRIPTION_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "pause", None),
    ("POST", "resume", None),
    ("POST", "skip", None),
    ("POST", "cancel", {}),
    ("POST", "quantity", {"product_id": PRODUCT_ID, "quantity": 3}),
    ("POST", "cadence", {"cadence": "Monthly"}),
    ("PUT", "shipping-address", ADDRESS),
    ("DELETE", "scheduled-cancel", None),
    # One of the payer's cards on this subscription: any merchant, or a shopper whose role may.
    ("PUT", "payment-method", {"instrument_token": "tok_any"}),
    ("PATCH", "custom-fields", {"values": {}}),
]
ADMIN_ONLY_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "retry-payment", None),
    ("POST", "variant", {"product_id": PRODUCT_ID, "variant_id": 1}),
    ("PUT", "contract", TERM),
    ("DELETE", "contract", None),
    ("POST", "company/refresh", None),
    ("POST", "locations", {"address": ADDRESS | {"shipping_method": "Flat Rate"}}),
]
# Admin routes whose path names more than the subscription: (method, the route as registered,
# the route as called, a valid body).
ACTOR_ROUTES: list[tuple[str, str, str, Any]] = [
    ("POST", "actors", "actors", {"customer_id": 1, "role": "manager"}),
    ("DELETE", "actors/<customer_id>/<role>", "actors/1/manager", None),
    ("DELETE", "locations/<location_id>", "locations/loc_0123456789", None),
]
# Portal routes only a company's admin has: (method, route after the subscription, a body).
COMPANY_ROUTES: list[tuple[str, str, Any]] = [
    ("PUT", "payer", {"customer_id": 1}),
]
# (method, route after a change request's path, a valid body), tried on a real pending request.
CHANGE_REQUEST_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "approve", {"reason": "agreed"}),
    ("POST", "reject", {"reason": "not now"}),
]
CHANGE_REQUEST_PATH = "/subscriptions/<subscription_id>/change-requests/<request_id>"
# Reads of one subscription only the merchant has (tried across stores like the changes).
ADMIN_READ_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "entitlements", None),
]
# (method, route after /admin/allotments/<grant_id>/, a valid body); `debit_id` is filled in.
ALLOTMENT_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "debits", {"amount": "1.00"}),
    ("POST", "debits/<debit_id>/reverse", {}),
    ("POST", "suspend", {}),
    ("POST", "resume", {}),
    ("POST", "revoke", {}),
]
# Tried on the whole topology (the endpoints have no in-memory stand-in).
ENDPOINT_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "rotate", None),
    ("POST", "disable", None),
    ("POST", "enable", None),
    ("POST", "replay", {"event_ids": ["evt_x_000001"]}),
]
# Another store's redrive is tried with a real dead letter in test_admin_ops_stuck_and_dead_letters.
DEAD_LETTER_ROUTES: list[tuple[str, str, Any]] = [("POST", "redrive", None)]
# A store's custom field definitions, by key (after /admin/custom-fields/<key>/).
CUSTOM_FIELD_ROUTES: list[tuple[str, str, Any]] = [
    ("PATCH", "", {"label": "Changed"}),
    ("POST", "archive", None),
]
# Routes that name no resource of another store: they write only the caller's own store
# (or shopper), which their own tests show.
CALLER_SCOPED = {
    "PUT /admin/config",
    "POST /admin/webhooks/endpoints",
    "PUT /admin/plans/<product_id>",
    "POST /admin/custom-fields",
    "PUT /portal/payment-method",
    "POST /admin/session",
    # The buyer is looked up in the caller's own store's B2B Edition (test_company_api.py
    # tries another store's buyer).
    "POST /admin/enrollments",
    # A grant names a customer, checked to be the store's own (test_allotments_api.py).
    "POST /admin/allotments",
}
# The action-link page answers a link's token, not a session: its own tests try another
# store's, another subscription's and a forged token (tests/integration/test_action_page.py).
TOKEN_SCOPED = {"POST /action/<store_hash>/<subscription_id>"}
MUTATING = ("POST", "PUT", "PATCH", "DELETE")
