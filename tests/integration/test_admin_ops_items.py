"""The ops items list through API Gateway events on the whole topology: items the DynamoDB
adapter wrote, read back one store at a time, newest first, by type and page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.ports.storage import OpsEvent
from devstack.stack import LocalStack

from .admin_api_client import call, session_token
from .world import World


@pytest.fixture
def other(stack: LocalStack) -> World:
    return World.create(stack)


def _record(world: World, *types: str) -> None:
    """One item per type, a minute apart, in the order given (the last is the newest)."""
    for n, type_ in enumerate(types):
        at = world.stack.now() + timedelta(minutes=n)
        container().ops_events.record(OpsEvent(world.store_hash, type_, {"n": n}, at))


def _items(world: World, **query: str) -> dict[str, Any]:
    reply = call(world, "GET", "/admin/ops/items", session_token(world), query=query)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def test_ops_items_are_read_back_newest_first_by_type_and_page_per_store(
    world: World, other: World
) -> None:
    # Given items of two types here and one item in another store
    _record(world, "plan.invalid", "gift.refused", "plan.invalid", "invoice_overdue")
    _record(other, "plan.invalid")
    # When the merchant lists them all, then plan.invalid alone one page at a time
    everything = _items(world)
    first = _items(world, type="plan.invalid", limit="1")
    second = _items(world, type="plan.invalid", limit="1", cursor=first["next_cursor"])
    # Then all four come newest first, and the filtered pages hold one each, then end
    assert [i["type"] for i in everything["items"]] == [
        "invoice_overdue",
        "plan.invalid",
        "gift.refused",
        "plan.invalid",
    ]
    assert everything["items"][0]["data"] == {"n": 3} and everything["next_cursor"] is None
    assert [i["data"]["n"] for i in first["items"] + second["items"]] == [2, 0]
    assert second["next_cursor"] is None
    # And the other store sees only its own item and refuses this store's cursor
    assert [i["type"] for i in _items(other)["items"]] == ["plan.invalid"]
    reply = call(
        other,
        "GET",
        "/admin/ops/items",
        session_token(other),
        query={"cursor": first["next_cursor"]},
    )
    assert reply.status == 400 and reply.json()["error"] == "invalid_cursor"
