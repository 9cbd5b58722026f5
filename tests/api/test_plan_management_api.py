"""Plan management through the admin API: BigCommerce holds the plan (product metafield) and
the cadence modifier; our cache is refreshed from it. On the in-memory container;
`tests/integration/test_plan_management_api.py` keeps a plan written to BigCommerce and a
republished plan renewing live subscriptions on the whole topology."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.domain.plan_metafield import KEY, NAMESPACE

from .client import session_token
from .world import PRODUCT_ID, ApiStack, ApiWorld

PLAN = {
    "cadences": [
        {"label": "Every 2 weeks", "interval": "week", "interval_count": 2},
        {"label": "Monthly", "interval": "month", "discount_percent": "5"},
    ],
    "default_cadence": "Monthly",
}


@pytest.fixture
def other(stack: ApiStack) -> ApiWorld:
    return ApiWorld.create(stack)


def _put(world: ApiWorld, product_id: int, body: Any) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    headers = {
        "content-type": "application/json",
        "authorization": f"Bearer {session_token(world)}",
    }
    return world.stack.http("PUT", f"/admin/plans/{product_id}", raw.encode(), headers)


def _get(world: ApiWorld, product_id: int, token: str | None = None) -> Any:
    headers = {"authorization": f"Bearer {token or session_token(world)}"}
    return world.stack.http("GET", f"/admin/plans/{product_id}", b"", headers)


def _bc(world: ApiWorld, product_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    store = world.emulator.stores[world.store_hash]
    fields = [
        dict(m)
        for m in store.metafields.get(product_id, {}).values()
        if (m["namespace"], m["key"]) == (NAMESPACE, KEY)
    ]
    return fields, [dict(m) for m in store.modifiers.get(product_id, {}).values()]


def test_a_plan_is_written_to_bigcommerce_with_its_cadence_modifier_and_cached(
    world: ApiWorld,
) -> None:
    # When the merchant sets the product's plan
    reply = _put(world, PRODUCT_ID, PLAN)
    # Then BigCommerce has a required dropdown of the cadence labels
    assert reply.status == 200, reply.body
    [field], [modifier] = _bc(world, PRODUCT_ID)
    assert modifier["type"] == "dropdown" and modifier["required"] is True
    assert [v["label"] for v in modifier["option_values"]] == ["Every 2 weeks", "Monthly"]
    # And the metafield holds the plan, naming that modifier
    stored = json.loads(field["value"])
    assert stored["cadence_option_id"] == modifier["id"]
    assert [c["label"] for c in stored["cadences"]] == ["Every 2 weeks", "Monthly"]
    assert reply.json()["cadence_option_id"] == modifier["id"]
    # And our cache has the new plan at once
    [cached] = world.stack.plan_cache.get_many(world.store_hash, [PRODUCT_ID]).values()
    assert cached.plan is not None and cached.plan.cadence_option_id == modifier["id"]
    assert cached.plan.cadences[1].discount_percent == Decimal("5")


def test_setting_the_plan_again_updates_the_same_metafield_and_modifier(world: ApiWorld) -> None:
    # Given a plan was set
    assert _put(world, PRODUCT_ID, PLAN).status == 200
    [field], [modifier] = _bc(world, PRODUCT_ID)
    # When the merchant drops a cadence
    reply = _put(world, PRODUCT_ID, {"cadences": [PLAN["cadences"][1]]})  # type: ignore[index]
    # Then the one metafield and the one modifier are updated, not duplicated
    assert reply.status == 200, reply.body
    [field_after], [modifier_after] = _bc(world, PRODUCT_ID)
    assert (field_after["id"], modifier_after["id"]) == (field["id"], modifier["id"])
    # And the dropped cadence keeps its option value (same id) with purchasing disabled, and
    # stays in the plan as retired, so subscriptions bought with it still renew
    values = {v["label"]: v for v in modifier_after["option_values"]}
    before = {v["label"]: v["id"] for v in modifier["option_values"]}
    assert {label: v["id"] for label, v in values.items()} == before
    assert values["Every 2 weeks"]["adjusters"]["purchasing_disabled"]["status"] is True
    assert values["Monthly"]["adjusters"]["purchasing_disabled"]["status"] is False
    stored = json.loads(field_after["value"])["cadences"]
    assert [(c["label"], c.get("retired", False)) for c in stored] == [
        ("Monthly", False),
        ("Every 2 weeks", True),
    ]
    [cached] = world.stack.plan_cache.get_many(world.store_hash, [PRODUCT_ID]).values()
    assert cached.plan is not None and [c.label for c in cached.plan.offered()] == ["Monthly"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        {"cadences": []},
        {"cadences": [{"label": "Monthly", "interval": "fortnight"}]},
        {**PLAN, "default_cadence": "Yearly"},
    ],
)
def test_an_invalid_plan_is_refused_and_nothing_is_written(world: ApiWorld, body: Any) -> None:
    fields, modifiers = _bc(world, PRODUCT_ID)
    reply = _put(world, PRODUCT_ID, body)
    assert reply.status == 422 and reply.json()["error"] == "invalid_plan"
    assert _bc(world, PRODUCT_ID) == (fields, modifiers)


def test_an_invalid_plan_names_each_wrong_field_by_its_location(world: ApiWorld) -> None:
    # Given a plan whose second cadence has an unknown interval and whose tier is too small
    body = {
        "cadences": [
            {"label": "Monthly", "interval": "month"},
            {"label": "Fortnightly", "interval": "fortnight"},
        ],
        "tiers": [{"min_quantity": 1, "discount_percent": 5}],
    }
    # When the merchant sets it
    reply = _put(world, PRODUCT_ID, body)
    # Then each reason names the place it belongs to, as a location list
    assert reply.status == 422
    located = {tuple(f["field"]) for f in reply.json()["fields"]}
    assert located == {("cadences", 1, "interval"), ("tiers", 0, "min_quantity")}


def test_a_plan_wrong_as_a_whole_is_refused_with_an_empty_location(world: ApiWorld) -> None:
    # Given a plan whose default cadence is not one of its cadences
    # When the merchant sets it
    reply = _put(world, PRODUCT_ID, {**PLAN, "default_cadence": "Yearly"})
    # Then the reason is not tied to a field
    [field] = reply.json()["fields"]
    assert field["field"] == [] and "Yearly" in field["message"]


def test_a_product_only_another_store_has_is_not_found(world: ApiWorld, other: ApiWorld) -> None:
    # Given a product that exists only in the other store
    other.stack.add_product(other.store_hash, 333, "Tea", "9.00")
    # When this store's merchant sets a plan for it
    reply = _put(world, 333, PLAN)
    # Then it is not found, and the other store's product is untouched
    assert reply.status == 404
    assert _bc(other, 333) == ([], [])


def test_a_product_without_a_plan_gets_a_new_metafield(world: ApiWorld) -> None:
    # Given a product that has no plan yet
    world.stack.add_product(world.store_hash, 444, "Tea", "9.00")
    # When the merchant sets one
    reply = _put(world, 444, PLAN)
    # Then the metafield is created (ours, readable by other apps and the storefront, writable
    # only by us) and the plan is cached
    assert reply.status == 200, reply.body
    [field], [modifier] = _bc(world, 444)
    assert field["permission_set"] == "read_and_sf_access"
    assert field["owner_client_id"] == world.emulator.client_id
    assert json.loads(field["value"])["cadence_option_id"] == modifier["id"]
    [cached] = world.stack.plan_cache.get_many(world.store_hash, [444]).values()
    assert cached.plan is not None and cached.plan.product_id == 444


def test_reading_a_plan_answers_what_bigcommerce_holds_now(world: ApiWorld) -> None:
    # Given a plan was set, then edited in BigCommerce directly (not through us)
    assert _put(world, PRODUCT_ID, PLAN).status == 200
    [field], _ = _bc(world, PRODUCT_ID)
    edited = {**json.loads(field["value"]), "default_cadence": "Every 2 weeks"}
    world.stack.put_plan_json(world.store_hash, PRODUCT_ID, json.dumps(edited))
    # When the merchant reads the plan
    reply = _get(world, PRODUCT_ID)
    # Then the answer is BigCommerce's current plan, and the cache holds it too
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["product_id"] == PRODUCT_ID and body["error"] is None
    assert body["plan"]["default_cadence"] == "Every 2 weeks"
    [cached] = world.stack.plan_cache.get_many(world.store_hash, [PRODUCT_ID]).values()
    assert cached.plan is not None and cached.plan.default_cadence == "Every 2 weeks"


def test_reading_an_invalid_plan_shows_why_without_an_ops_event(world: ApiWorld) -> None:
    # Given the product's metafield is broken
    world.stack.put_plan_json(world.store_hash, PRODUCT_ID, '{"cadences": []}')
    # When the merchant reads it
    reply = _get(world, PRODUCT_ID)
    # Then the answer says why, and no ops item is written for a mere read
    assert reply.status == 200, reply.body
    assert reply.json()["plan"] is None and "cadences" in reply.json()["error"]
    assert world.of_kind("ops_event") == []


def test_reading_a_product_without_a_plan_answers_null(world: ApiWorld) -> None:
    world.stack.add_product(world.store_hash, 444, "Tea", "9.00")
    reply = _get(world, 444)
    assert reply.status == 200, reply.body
    assert reply.json()["plan"] is None and reply.json()["error"] is None


def test_reading_another_stores_product_plan_is_not_found(world: ApiWorld, other: ApiWorld) -> None:
    # Given a product with a plan that exists only in the other store
    other.stack.add_product(other.store_hash, 333, "Tea", "9.00")
    assert _put(other, 333, PLAN).status == 200
    # When this store's merchant reads it, or reads without a session
    reply, anonymous = _get(world, 333), _get(world, 333, token="forged")
    # Then it is not found, and the forged token is refused
    assert reply.status == 404 and reply.json()["error"] == "not_found"
    assert anonymous.status == 401


def test_another_apps_private_plan_field_is_not_ours_to_read(world: ApiWorld) -> None:
    # Given a product whose only plan field is another app's, private to it
    world.stack.add_product(world.store_hash, 444, "Tea", "9.00")
    world.emulator.set_product_metafield(
        world.store_hash,
        444,
        NAMESPACE,
        KEY,
        json.dumps(PLAN),
        permission_set="app_only",
        owner_client_id="another-app",
    )
    # When the merchant reads the plan, then sets one
    unseen = _get(world, 444)
    reply = _put(world, 444, PLAN)
    # Then we saw none, and ours was written beside theirs without touching it
    assert unseen.status == 200 and unseen.json()["plan"] is None
    assert reply.status == 200, reply.body
    fields, _ = _bc(world, 444)
    assert sorted(f["owner_client_id"] for f in fields) == sorted(
        ["another-app", world.emulator.client_id]
    )
