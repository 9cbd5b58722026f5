"""Mutating routes of the admin and portal APIs tried across stores, on the whole topology.

Every route of the tables is tried across stores and across customers one layer down, on the
in-memory container (`tests/api/test_api_scoping.py`, which also checks that the tables list
every mutating route). Here: the webhook endpoint routes, whose endpoints have no in-memory
stand-in, and one subscription route per API, end to end.
"""

from __future__ import annotations

from typing import Any

import pytest

from devstack.stack import LocalStack

from ..api.route_tables import ENDPOINT_ROUTES, SUBSCRIPTION_ROUTES
from .admin_api_client import call, session_token, subscription_ids
from .world import World

CANCEL = [r for r in SUBSCRIPTION_ROUTES if r[1] == "cancel"]


@pytest.fixture
def other(stack: LocalStack) -> World:
    return World.create(stack)


def _stored(world: World) -> list[dict[str, Any]]:
    """Everything the table holds under the store's keys."""
    mine = [i for i in world.items("") if world.store_hash in str(i["pk"])]
    return sorted(mine, key=lambda i: (str(i["pk"]), str(i["sk"])))


def _subscription(world: World) -> tuple[str, str]:
    customer, _ = world.subscribe()
    token = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    return subscription_ids(world)[-1], token


@pytest.mark.parametrize(("method", "route", "body"), CANCEL)
def test_another_stores_merchant_gets_404_on_a_subscription_route_end_to_end(
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


@pytest.mark.parametrize(("method", "route", "body"), CANCEL)
def test_another_customer_or_another_stores_shopper_gets_404_on_a_portal_route_end_to_end(
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
