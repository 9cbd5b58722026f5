"""Custom fields through the admin and portal APIs: the merchant's definitions, and one
definition holding every path that writes values (admin, portal, plan save, checkout capture).
On the in-memory container."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from ulid import ULID

from bc_subscriptions.services.capture_from_order import capture_from_order

from ..emulator_store import PRODUCT_ID
from ..services.world import APP_ID
from .world import ApiWorld

PO_NUMBER = {
    "key": "po_number",
    "scope": "subscription",
    "type": "text",
    "label": "PO number",
    "pattern": r"PO-\d{5}",
    "required": True,
    "visible_to_subscriber": True,
    "editable_by_subscriber": True,
}
SLA_TIER = {
    "key": "sla_tier",
    "scope": "subscription",
    "type": "enum",
    "label": "SLA tier",
    "choices": ["gold", "silver"],
    "default": "silver",
}
COLOUR = {"key": "colour", "scope": "plan", "type": "enum", "label": "Colour", "choices": ["red"]}
PLAN = {"cadences": [{"label": "Monthly", "interval": "month"}]}


def _admin(world: ApiWorld, method: str, path: str, body: Any = None) -> Any:
    return world.call(method, f"/admin{path}", world.session_token(), body)


def _define(world: ApiWorld, *definitions: dict[str, Any]) -> None:
    for definition in definitions:
        reply = _admin(world, "POST", "/custom-fields", definition)
        assert reply.status == 201, reply.body


def _checkout(world: ApiWorld, options: list[dict[str, Any]]) -> tuple[str, str]:
    """A shopper buys the subscription product with these line options; the order is
    captured. Answers the subscription id and the shopper's storefront token."""
    customer = world.shopper("ok")
    lines = [{"product_id": PRODUCT_ID, "quantity": 1, "product_options": options}]
    order = world.emulator.place_checkout_order(
        world.store_hash, customer_id=customer.id, lines=lines
    )
    captured = capture_from_order(
        world.store_hash,
        order["id"],
        uow=world.stack.uow(),
        bc=world.stack.bc,
        clock=world.stack.clock,
        app_id=APP_ID,
        new_id=lambda: f"sub_{ULID()}",
        plans=world.stack.plans,
    )
    [sub_id] = captured.subscription_ids
    return sub_id, str(world.emulator.current_customer_jwt(world.store_hash, customer.id))


def _po_option(value: str) -> dict[str, Any]:
    return {
        "option_id": 501,
        "value": value,
        "display_name": "cf:po_number",
        "display_value": value,
    }


def _values(world: ApiWorld, sub_id: str) -> dict[str, Any]:
    [doc] = [s["doc"] for s in world.subscriptions() if s["doc"]["id"] == sub_id]
    return dict(doc.get("custom_fields", {}))


def _schema_errors(envelope: str) -> list[str]:
    payload = json.loads(envelope)
    text = resources.files("bc_subscriptions.schemas").joinpath(f"{payload['type']}.json")
    validator = Draft202012Validator(json.loads(text.read_text()))
    return [e.message for e in validator.iter_errors(payload)]


def test_a_merchant_defines_lists_changes_and_archives_custom_fields(world: ApiWorld) -> None:
    # Given two definitions
    _define(world, SLA_TIER, COLOUR)
    # When the store's fields are listed, all and by scope
    every = _admin(world, "GET", "/custom-fields").json()["items"]
    headers = {"authorization": f"Bearer {world.session_token()}"}
    by_scope = world.stack.http("GET", "/admin/custom-fields", b"", headers, {"scope": "plan"})
    plan_only = by_scope.json()["items"]
    # Then they are there in key order
    assert [d["key"] for d in every] == ["colour", "sla_tier"]
    assert [d["key"] for d in plan_only] == ["colour"]
    # When a label and the choices change, then they are changed
    patched = _admin(
        world,
        "PATCH",
        "/custom-fields/sla_tier",
        {"label": "Tier", "choices": ["gold", "silver", "x"]},
    )
    assert (patched.status, patched.json()["label"], patched.json()["choices"]) == (
        200,
        "Tier",
        ["gold", "silver", "x"],
    )
    # When it is archived (twice), then it is archived and changes no more
    assert _admin(world, "POST", "/custom-fields/sla_tier/archive").json()["archived"] is True
    assert _admin(world, "POST", "/custom-fields/sla_tier/archive").json()["archived"] is True
    refused = _admin(world, "PATCH", "/custom-fields/sla_tier", {"label": "Again"})
    assert (refused.status, refused.json()["error"]) == (409, "custom_field_archived")


def test_definitions_that_cannot_be_kept_are_refused_and_nothing_is_written(
    world: ApiWorld,
) -> None:
    # Given a store with one field
    _define(world, SLA_TIER)
    before = world.records()
    # When a key it has, a hostile pattern, a type change and a bad default are sent
    again = _admin(world, "POST", "/custom-fields", {**SLA_TIER, "label": "Again"})
    hostile = _admin(world, "POST", "/custom-fields", {**PO_NUMBER, "pattern": "(a+)+$"})
    retyped = _admin(world, "PATCH", "/custom-fields/sla_tier", {"type": "text"})
    bad_default = _admin(world, "PATCH", "/custom-fields/sla_tier", {"default": "bronze"})
    unknown = _admin(world, "PATCH", "/custom-fields/nope", {"label": "x"})
    # Then each is refused with its rule, and the store's records are as they were
    assert (again.status, again.json()["error"]) == (409, "custom_field_exists")
    assert (hostile.status, hostile.json()["error"]) == (422, "invalid_request")
    assert "repeat" in json.dumps(hostile.json())
    assert (retyped.status, retyped.json()["error"]) == (422, "invalid_request")
    assert (bad_default.status, bad_default.json()["error"]) == (422, "invalid_definition")
    assert (unknown.status, unknown.json()["error"]) == (404, "not_found")
    assert world.records() == before


def test_one_definition_validates_every_write_path(world: ApiWorld) -> None:
    # Given the store's PO number field (required, PO-#####, the subscriber may edit it) and
    # a tier only the merchant sets
    _define(world, PO_NUMBER, SLA_TIER, COLOUR)

    # -- checkout capture: a line carries the value as a `cf:` option ----------------------
    sub_id, shopper = _checkout(world, [_po_option("PO-12345")])
    assert _values(world, sub_id) == {"po_number": "PO-12345", "sla_tier": "silver"}
    # An invalid value does not lose the subscription: it starts without it, reported
    bad_id, _ = _checkout(world, [_po_option("12345")])
    assert _values(world, bad_id) == {"sla_tier": "silver"}
    refused = [e for e in world.stack.store.events(world.store_hash, bad_id)]
    assert [e.type for e in refused][-1] == "subscription.custom_fields_refused"
    assert json.loads(refused[-1].envelope)["data"]["errors"] == [
        {"key": "po_number", "code": "pattern_mismatch", "message": r"must match PO-\d{5}"}
    ]
    assert _schema_errors(refused[-1].envelope) == []

    # -- the admin API: every error listed, nothing written --------------------------------
    path = f"/subscriptions/{sub_id}/custom-fields"
    before = world.records()
    wrong = _admin(
        world, "PATCH", path, {"values": {"po_number": "PO-1", "sla_tier": "bronze", "x": 1}}
    )
    assert wrong.status == 422, wrong.body
    assert [(e["key"], e["code"]) for e in wrong.json()["errors"]] == [
        ("po_number", "pattern_mismatch"),
        ("sla_tier", "not_a_choice"),
        ("x", "unknown_field"),
    ]
    assert [r for r in world.records() if "RATE#" not in r[0][1]] == [
        r for r in before if "RATE#" not in r[0][1]
    ]
    changed = _admin(
        world, "PATCH", path, {"values": {"po_number": "PO-54321", "sla_tier": "gold"}}
    )
    assert changed.json()["values"] == {"po_number": "PO-54321", "sla_tier": "gold"}
    assert world.event_data("subscription.updated")["changes"] == {
        "custom_fields": ["po_number", "sla_tier"]
    }
    updated = [e for e in world.stack.store.events(world.store_hash) if e.type.endswith("updated")]
    assert _schema_errors(updated[-1].envelope) == []

    # -- the portal: only what the subscriber may see and edit -----------------------------
    portal = f"/portal/subscriptions/{sub_id}/custom-fields"
    seen = world.call("GET", portal, shopper).json()
    assert seen["values"] == {"po_number": "PO-54321"}
    assert [d["key"] for d in seen["definitions"]] == ["po_number"]
    not_theirs = world.call("PATCH", portal, shopper, {"values": {"sla_tier": "silver"}})
    assert (not_theirs.status, not_theirs.json()["errors"][0]["code"]) == (422, "not_editable")
    invalid = world.call("PATCH", portal, shopper, {"values": {"po_number": "nope"}})
    assert (invalid.status, invalid.json()["errors"][0]["code"]) == (422, "pattern_mismatch")
    theirs = world.call("PATCH", portal, shopper, {"values": {"po_number": "PO-11111"}})
    assert theirs.json()["values"] == {"po_number": "PO-11111"}
    assert _values(world, sub_id) == {"po_number": "PO-11111", "sla_tier": "gold"}

    # -- the plan save: the subscription's field is not the plan's; the plan's own is held --
    for values, code in (
        ({"po_number": "PO-12345"}, "unknown_field"),
        ({"colour": "blue"}, "not_a_choice"),
    ):
        reply = _admin(world, "PUT", f"/plans/{PRODUCT_ID}", {**PLAN, "custom_fields": values})
        assert (reply.status, reply.json()["errors"][0]["code"]) == (422, code), reply.body
    saved = _admin(
        world, "PUT", f"/plans/{PRODUCT_ID}", {**PLAN, "custom_fields": {"colour": "red"}}
    )
    assert saved.json()["custom_fields"] == {"colour": "red"}
    assert _admin(world, "GET", f"/plans/{PRODUCT_ID}").json()["plan"]["custom_fields"] == {
        "colour": "red"
    }


def test_a_refused_plan_save_writes_nothing_to_bigcommerce(world: ApiWorld) -> None:
    # Given a plan field and the product's metafields and modifiers as they are
    _define(world, COLOUR)
    store = world.emulator.stores[world.store_hash]

    def held() -> str:  # a read leaves an empty modifier map behind: not a write
        modifiers = {p: m for p, m in store.modifiers.items() if m}
        return json.dumps([store.metafields, modifiers], default=str)

    before = held()
    # When the plan is saved with an invalid value
    reply = _admin(world, "PUT", f"/plans/{PRODUCT_ID}", {**PLAN, "custom_fields": {"colour": 1}})
    # Then it is refused, and BigCommerce holds what it held
    assert (reply.status, reply.json()["error"]) == (422, "invalid_custom_fields")
    assert held() == before


def test_an_archived_field_keeps_its_values_and_takes_no_new_ones(world: ApiWorld) -> None:
    # Given a subscription holding a tier, whose field is then archived
    _define(world, SLA_TIER)
    sub_id, _ = _checkout(world, [])
    path = f"/subscriptions/{sub_id}/custom-fields"
    assert _admin(world, "PATCH", path, {"values": {"sla_tier": "gold"}}).status == 200
    _admin(world, "POST", "/custom-fields/sla_tier/archive")
    # When the merchant writes it again, or sends the stored value back
    again = _admin(world, "PATCH", path, {"values": {"sla_tier": "silver"}})
    same = _admin(world, "PATCH", path, {"values": {"sla_tier": "gold"}})
    # Then a new value is refused and the stored one is kept
    assert (again.status, again.json()["errors"][0]["code"]) == (422, "archived")
    assert (same.status, same.json()["values"]) == (200, {"sla_tier": "gold"})
    # And a new checkout no longer gets its default
    new_id, _ = _checkout(world, [])
    assert _values(world, new_id) == {}


def test_another_shopper_of_the_store_cannot_read_the_values(world: ApiWorld) -> None:
    # Given a subscription with a value, and another shopper of the same store
    _define(world, PO_NUMBER)
    sub_id, _ = _checkout(world, [_po_option("PO-12345")])
    _, other_shopper = _checkout(world, [_po_option("PO-22222")])
    # When the other shopper reads or writes its values
    path = f"/portal/subscriptions/{sub_id}/custom-fields"
    read = world.call("GET", path, other_shopper)
    write = world.call("PATCH", path, other_shopper, {"values": {"po_number": "PO-99999"}})
    # Then it does not exist for them
    assert (read.status, write.status) == (404, 404)
    assert _values(world, sub_id) == {"po_number": "PO-12345"}


def test_a_shopper_given_a_role_reads_the_values_the_owner_sees(world: ApiWorld) -> None:
    # Given a subscription with a value, and a customer the merchant made its manager
    _define(world, PO_NUMBER)
    sub_id, owner = _checkout(world, [_po_option("PO-12345")])
    manager = world.shopper(None)
    added = _admin(
        world,
        "POST",
        f"/subscriptions/{sub_id}/actors",
        {"customer_id": manager.id, "role": "manager"},
    )
    assert added.status == 200, added.body
    token = str(world.emulator.current_customer_jwt(world.store_hash, manager.id))
    # When the manager reads its values in the portal, as the owner does
    path = f"/portal/subscriptions/{sub_id}/custom-fields"
    read = world.call("GET", path, token)
    # Then they see what the owner sees
    assert read.status == 200, read.body
    assert read.json()["values"] == world.call("GET", path, owner).json()["values"]
    assert read.json()["values"] == {"po_number": "PO-12345"}
