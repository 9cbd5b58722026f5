"""Every mutating route of the admin and portal APIs, tried across stores and across customers.

The route tables below must list every mutating route the handlers register (the first tests
check that), so a new route cannot ship without its cross-store and cross-customer attempts.
"""

from __future__ import annotations

from typing import Any

import pytest

from devstack.stack import LocalStack

from .admin_api_client import call, session_token, subscription_ids
from .world import PRODUCT_ID, World

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
]
ADMIN_ONLY_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "retry-payment", None),
    ("POST", "variant", {"product_id": PRODUCT_ID, "variant_id": 1}),
    ("PUT", "contract", TERM),
    ("DELETE", "contract", None),
]
ENDPOINT_ROUTES: list[tuple[str, str, Any]] = [
    ("POST", "rotate", None),
    ("POST", "disable", None),
    ("POST", "enable", None),
    ("POST", "replay", {"event_ids": ["evt_x_000001"]}),
]
# Another store's redrive is tried with a real dead letter in test_admin_ops_stuck_and_dead_letters.
DEAD_LETTER_ROUTES: list[tuple[str, str, Any]] = [("POST", "redrive", None)]
# Routes that name no resource of another store: they write only the caller's own store
# (or shopper), which their own tests show.
CALLER_SCOPED = {
    "PUT /admin/config",
    "POST /admin/webhooks/endpoints",
    "PUT /admin/plans/<product_id>",
    "PUT /portal/payment-method",
    "POST /admin/session",
}
MUTATING = ("POST", "PUT", "PATCH", "DELETE")


@pytest.fixture
def other(stack: LocalStack) -> World:
    return World.create(stack)


def _mutating_routes(stack: LocalStack, function: str) -> set[str]:
    # The portal serves no OpenAPI document, so both APIs are read from their resolvers.
    app = stack.runtime.handler_module(function).app
    keys = {f"{m} {k[len(m) :]}" for k in app._route_keys for m in MUTATING if k.startswith(m)}
    return {k for k in keys if k.split(" ")[1].startswith("/")}


def _stored(world: World) -> list[dict[str, Any]]:
    """Everything the table holds under the store's keys."""
    mine = [i for i in world.items("") if world.store_hash in str(i["pk"])]
    return sorted(mine, key=lambda i: (str(i["pk"]), str(i["sk"])))


def _subscription(world: World) -> tuple[str, str]:
    customer, _ = world.subscribe()
    token = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    return subscription_ids(world)[-1], token


def test_every_mutating_admin_route_is_in_the_tables(stack: LocalStack) -> None:
    listed = {f"{m} /admin/subscriptions/<subscription_id>/{r}" for m, r, _ in SUBSCRIPTION_ROUTES}
    listed |= {f"{m} /admin/subscriptions/<subscription_id>/{r}" for m, r, _ in ADMIN_ONLY_ROUTES}
    listed |= {f"{m} /admin/webhooks/endpoints/<endpoint_id>/{r}" for m, r, _ in ENDPOINT_ROUTES}
    dead_letter = "/admin/ops/dead-letters/<dead_letter_id>"
    listed |= {f"{m} {dead_letter}/{r}" for m, r, _ in DEAD_LETTER_ROUTES}
    listed |= {r for r in CALLER_SCOPED if r.split(" ")[1].startswith("/admin")}
    assert _mutating_routes(stack, "AdminApiFunction") == listed


def test_every_mutating_portal_route_is_in_the_tables(stack: LocalStack) -> None:
    listed = {f"{m} /portal/subscriptions/<subscription_id>/{r}" for m, r, _ in SUBSCRIPTION_ROUTES}
    listed |= {r for r in CALLER_SCOPED if r.split(" ")[1].startswith("/portal")}
    assert _mutating_routes(stack, "PortalApiFunction") == listed


@pytest.mark.parametrize(("method", "route", "body"), SUBSCRIPTION_ROUTES + ADMIN_ONLY_ROUTES)
def test_another_stores_merchant_gets_404_on_every_subscription_route(
    world: World, other: World, method: str, route: str, body: Any
) -> None:
    # Given a subscription of this store
    sub_id, _ = _subscription(world)
    before = _stored(world)
    # When the other store's merchant acts on it
    path = f"/admin/subscriptions/{sub_id}/{route}"
    reply = call(other, method, path, session_token(other), body)
    # Then it does not exist for them, and nothing of this store changed
    assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    assert _stored(world) == before


@pytest.mark.parametrize(("method", "route", "body"), SUBSCRIPTION_ROUTES)
def test_another_customer_or_another_stores_shopper_gets_404_on_every_portal_route(
    world: World, other: World, method: str, route: str, body: Any
) -> None:
    # Given a subscription, another shopper of its store, and a shopper of another store
    sub_id, _ = _subscription(world)
    _, same_store = _subscription(world)
    _, other_store = _subscription(other)
    before = _stored(world)
    for token in (same_store, other_store):
        # When each acts on it
        reply = call(world, method, f"/portal/subscriptions/{sub_id}/{route}", token, body)
        # Then it does not exist for them
        assert (reply.status, reply.json()["error"]) == (404, "not_found"), reply.body
    assert _stored(world) == before


@pytest.mark.parametrize(("method", "route", "body"), ADMIN_ONLY_ROUTES)
def test_shoppers_cannot_reach_admin_only_routes(
    world: World, method: str, route: str, body: Any
) -> None:
    sub_id, shopper = _subscription(world)
    before = _stored(world)
    admin = call(world, method, f"/admin/subscriptions/{sub_id}/{route}", shopper, body)
    portal = call(world, method, f"/portal/subscriptions/{sub_id}/{route}", shopper, body)
    assert (admin.status, portal.status) == (401, 404)
    assert _stored(world) == before


@pytest.mark.parametrize(("method", "route", "body"), ENDPOINT_ROUTES)
def test_another_stores_merchant_gets_404_on_every_endpoint_route(
    world: World, other: World, method: str, route: str, body: Any
) -> None:
    [endpoint] = call(world, "GET", "/admin/webhooks/endpoints", session_token(world)).json()
    before = _stored(world)
    path = f"/admin/webhooks/endpoints/{endpoint['endpoint_id']}/{route}"
    reply = call(other, method, path, session_token(other), body)
    assert reply.status == 404, reply.body
    assert _stored(world) == before
