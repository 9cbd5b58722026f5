"""The admin API's delivery locations: list, add and remove, each change reaching the next
cycle not started; refusals are 4xx naming the rule with nothing written. On the in-memory
container (`tests/integration/test_location_renewals.py` renews them on the whole topology)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from .world import ApiWorld

ADDRESS = {
    "first_name": "Dana",
    "last_name": "Lee",
    "street_1": "1 Main St",
    "city": "Austin",
    "zip": "78701",
    "country_iso2": "US",
    "shipping_method": "Flat Rate",
}


def _location(**over: Any) -> dict[str, Any]:
    return {"label": "Austin office", "address": ADDRESS, "shipping_cost_ex_tax": 4.5} | over


def _subscription(world: ApiWorld) -> str:
    world.subscribe()
    return world.subscription_ids()[-1]


def _path(sub_id: str, rest: str = "") -> str:
    return f"/admin/subscriptions/{sub_id}/locations{rest}"


def test_a_merchant_adds_lists_and_removes_a_location(world: ApiWorld) -> None:
    # Given
    sub_id, token = _subscription(world), world.session_token()
    # When a location is added
    added = world.call("POST", _path(sub_id), token, _location())
    # Then it reaches the coming cycle, with its own shipping
    assert added.status == 201, added.body
    body = added.json()
    assert body["applies_from_cycle"] == 2
    location = body["location"]
    assert location["id"].startswith("loc_")
    assert location["address"]["shipping_method"] == "Flat Rate"
    assert Decimal(location["shipping_cost_inc_tax"]) == Decimal("4.50")
    listed = world.call("GET", _path(sub_id), token).json()
    assert [loc["id"] for loc in listed["locations"]] == [location["id"]]
    event = world.event_data("subscription.location_added")
    assert event["location_id"] == location["id"] and event["cycle"] == 2
    assert event["actor"]["type"] == "merchant_user"
    # When it is removed
    removed = world.call("DELETE", _path(sub_id, f"/{location['id']}"), token)
    # Then
    assert removed.status == 200, removed.body
    assert world.call("GET", _path(sub_id), token).json()["locations"] == []
    assert world.event_data("subscription.location_removed")["locations"] == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (_location(quantities=[1, 2]), "invalid_quantities"),
        (_location(quantities=[0]), "invalid_quantities"),
        (_location(shipping_cost_ex_tax=5, shipping_cost_inc_tax=4), "invalid_shipping_cost"),
        (_location(address=ADDRESS | {"shipping_method": ""}), "invalid_request"),
        (_location(address={k: v for k, v in ADDRESS.items() if k != "zip"}), "invalid_request"),
        (_location(address=ADDRESS | {"country_iso2": "usa"}), "invalid_request"),
        (_location(colour="red"), "invalid_request"),
    ],
)
def test_a_location_the_rules_refuse_is_a_422_naming_the_rule_with_nothing_written(
    world: ApiWorld, body: dict[str, Any], code: str
) -> None:
    # Given
    sub_id, token = _subscription(world), world.session_token()
    before = world.records(), world.event_types()
    # When
    reply = world.call("POST", _path(sub_id), token, body)
    # Then
    assert (reply.status, reply.json()["error"]) == (422, code), reply.body
    assert (world.records(), world.event_types()) == before


def test_the_same_address_twice_is_a_422_and_the_first_stays(world: ApiWorld) -> None:
    # Given
    sub_id, token = _subscription(world), world.session_token()
    assert world.call("POST", _path(sub_id), token, _location()).status == 201
    before = world.records()
    # When
    reply = world.call("POST", _path(sub_id), token, _location(label="again"))
    # Then
    assert (reply.status, reply.json()["error"]) == (422, "duplicate_location")
    assert world.records() == before


def test_removing_a_location_the_subscription_does_not_have_is_a_404(world: ApiWorld) -> None:
    # Given
    sub_id, token = _subscription(world), world.session_token()
    before = world.records()
    # When
    reply = world.call("DELETE", _path(sub_id, "/loc_0123456789"), token)
    # Then
    assert (reply.status, reply.json()["error"]) == (404, "location_not_found"), reply.body
    assert world.records() == before


def test_a_cancelled_subscription_takes_no_new_location(world: ApiWorld) -> None:
    # Given
    sub_id, token = _subscription(world), world.session_token()
    assert world.call("POST", f"/admin/subscriptions/{sub_id}/cancel", token, {}).status == 200
    before = world.records()
    # When
    reply = world.call("POST", _path(sub_id), token, _location())
    # Then
    assert (reply.status, reply.json()["error"]) == (422, "subscription_ended")
    assert world.records() == before


def test_another_stores_merchant_cannot_list_the_locations(world: ApiWorld) -> None:
    # Given a subscription of this store with a location, and another store
    sub_id, token = _subscription(world), world.session_token()
    world.call("POST", _path(sub_id), token, _location())
    other = ApiWorld.create(world.stack)
    # When the other store's merchant lists them
    reply = other.call("GET", _path(sub_id), other.session_token())
    # Then
    assert (reply.status, reply.json()["error"]) == (404, "not_found")
