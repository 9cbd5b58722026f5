"""Every event type has a JSON Schema, and every payload merchants receive validates against it."""

import json
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from bc_subscriptions.domain.events import EVENT_TYPES

from .world import World


def _schema(event_type: str) -> dict:
    text = resources.files("bc_subscriptions.schemas").joinpath(f"{event_type}.json").read_text()
    return dict(json.loads(text))


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_event_type_has_a_valid_schema(event_type: str) -> None:
    # Given / When
    schema = _schema(event_type)
    # Then
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["type"]["const"] == event_type


def test_every_delivered_payload_matches_its_schema(world: World) -> None:
    # Given a subscription renewed once, one that declined, and one with no stored card
    world.subscribe()
    declining, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, declining.instrument_token, "decline")
    world.subscribe(card=None)
    # and a second endpoint whose consumer answers 410 Gone (so it is disabled)
    world.stack.register_endpoint(world.store_hash, world.stack.urls["merchant"] + "/gone")
    # When the month passes
    world.renew()
    # Then every payload the merchant received validates against its type's schema
    received = world.stack.receiver.received
    assert {r.event_type for r in received} == EVENT_TYPES
    for r in received:
        errors = list(Draft202012Validator(_schema(r.event_type)).iter_errors(r.body))
        assert errors == [], (r.event_type, [e.message for e in errors])
