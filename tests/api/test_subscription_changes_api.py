"""Quantity, cadence and address changes through the admin and portal APIs, on the in-memory
container (`tests/integration/test_subscription_changes_api.py` keeps a change charged at the
next renewal on the whole topology)."""

from __future__ import annotations

from typing import Any

import pytest

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

from .client import call, session_token, subscription_ids
from .world import PRODUCT_ID, ApiStack, ApiWorld

ADDRESS = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "street_1": "1 Navy Way",
    "city": "Arlington",
    "zip": "22202",
    "country_iso2": "US",
}
CHANGES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "quantity", {"product_id": PRODUCT_ID, "quantity": 5}),
    ("POST", "cadence", {"cadence": "Every 2 weeks"}),
    ("PUT", "shipping-address", ADDRESS),
]


@pytest.fixture
def world(stack: ApiStack) -> ApiWorld:
    w = ApiWorld.create(stack)
    cadences = [
        Cadence(label="Monthly", interval=Interval.MONTH),
        Cadence(label="Every 2 weeks", interval=Interval.WEEK, interval_count=2),
    ]
    stack.put_plan(w.store_hash, Plan(product_id=PRODUCT_ID, cadences=cadences))
    return w


def _portal_token(world: ApiWorld, customer_id: int) -> str:
    return str(world.emulator.current_customer_jwt(world.store_hash, customer_id))


def test_a_shopper_changes_cadence_and_address_of_their_own_subscription(world: ApiWorld) -> None:
    customer, _ = world.subscribe()
    [sub_id] = subscription_ids(world)
    token = _portal_token(world, customer.id)
    base = f"/portal/subscriptions/{sub_id}"
    before = call(world, "GET", base, token).json()["subscription"]["next_renewal_at"]
    reply = call(world, "POST", f"{base}/cadence", token, {"cadence": "Every 2 weeks"})
    assert reply.status == 200, reply.body
    assert reply.json()["cadence_label"] == "Every 2 weeks"
    assert reply.json()["next_renewal_at"] == before
    reply = call(world, "PUT", f"{base}/shipping-address", token, ADDRESS)
    assert reply.json()["shipping_address"]["city"] == "Arlington"


def test_a_cadence_the_plan_does_not_offer_is_409(world: ApiWorld) -> None:
    world.subscribe()
    [sub_id] = subscription_ids(world)
    token = session_token(world)
    events = world.event_types()
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cadence", token, {"cadence": "x"})
    assert (reply.status, reply.json()["error"]) == (409, "cadence_not_offered")
    assert world.event_types() == events


@pytest.mark.parametrize(("method", "action", "body"), CHANGES)
def test_changes_of_a_cancelled_subscription_are_409(
    world: ApiWorld, method: str, action: str, body: dict[str, Any]
) -> None:
    world.subscribe()
    [sub_id] = subscription_ids(world)
    token = session_token(world)
    assert call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {}).status == 200
    reply = call(world, method, f"/admin/subscriptions/{sub_id}/{action}", token, body)
    assert (reply.status, reply.json()["error"]) == (409, "invalid_transition")


@pytest.mark.parametrize(("method", "action", "body"), CHANGES)
def test_changes_across_stores_and_customers_are_404_and_write_nothing(
    stack: ApiStack, world: ApiWorld, method: str, action: str, body: dict[str, Any]
) -> None:
    # Given a subscription, another shopper of its store, and another store
    world.subscribe()
    [sub_id] = subscription_ids(world)
    stranger, _ = world.subscribe()
    other = ApiWorld.create(stack)
    events = world.event_types()
    # When each of them tries the change
    attempts = [
        call(other, method, f"/admin/subscriptions/{sub_id}/{action}", session_token(other), body),
        call(
            world,
            method,
            f"/portal/subscriptions/{sub_id}/{action}",
            _portal_token(world, stranger.id),
            body,
        ),
    ]
    # Then
    assert [(r.status, r.json()["error"]) for r in attempts] == [(404, "not_found")] * 2
    assert world.event_types() == events


def test_invalid_change_bodies_are_422_listing_the_fields(world: ApiWorld) -> None:
    world.subscribe()
    [sub_id] = subscription_ids(world)
    token = session_token(world)
    base = f"/admin/subscriptions/{sub_id}"
    reply = call(world, "POST", f"{base}/quantity", token, {"product_id": 1, "quantity": 0})
    assert [f["field"] for f in reply.json()["fields"]] == ["quantity"]
    reply = call(world, "PUT", f"{base}/shipping-address", token, {"city": "x"})
    assert reply.status == 422
    assert {"first_name", "street_1", "zip", "country_iso2"} <= {
        f["field"] for f in reply.json()["fields"]
    }


def test_booleans_for_numbers_and_control_or_bidi_characters_in_text_are_422_naming_the_field(
    world: ApiWorld,
) -> None:
    # Given a subscription, its merchant and its shopper
    customer, _ = world.subscribe()
    [sub_id] = subscription_ids(world)
    admin, shopper = session_token(world), _portal_token(world, customer.id)
    events = world.event_types()
    refused: list[tuple[str, str, str, dict[str, Any], str]] = [
        (admin, "POST", "quantity", {"product_id": PRODUCT_ID, "quantity": True}, "quantity"),
        (shopper, "POST", "quantity", {"product_id": True, "quantity": 2}, "product_id"),
        (admin, "POST", "cadence", {"cadence": "Monthly\x00"}, "cadence"),
        (admin, "PUT", "shipping-address", ADDRESS | {"street_1": "1 Navy\x00 Way"}, "street_1"),
        (shopper, "PUT", "shipping-address", ADDRESS | {"city": "Arl\u202eington"}, "city"),
        (shopper, "PUT", "shipping-address", ADDRESS | {"last_name": "Hop\u2066per"}, "last_name"),
        (admin, "PUT", "shipping-address", ADDRESS | {"zip": "22202\n"}, "zip"),
    ]
    for token, method, change, body, field in refused:
        api = "admin" if token == admin else "portal"
        # When the change is sent
        reply = call(world, method, f"/{api}/subscriptions/{sub_id}/{change}", token, body)
        # Then it is refused, naming the field
        assert reply.status == 422, (change, body, reply.body)
        assert [f["field"] for f in reply.json()["fields"]] == [field]
    # And nothing was written
    assert world.event_types() == events
