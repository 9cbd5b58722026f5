"""The operator's ops items list (in-memory container): newest first, the type filter, the
cursor bound to its store, and the paging refused. Both adapters' agreement on order and
paging is the storage contract's (`tests/integration/test_storage_contract.py`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bc_subscriptions.ports.storage import OpsEvent

from .client import call, session_token
from .world import ApiStack, ApiWorld


@pytest.fixture
def other(stack: ApiStack) -> ApiWorld:
    return ApiWorld.create(stack)


def _record(world: ApiWorld, *types: str) -> None:
    """One ops item per type, a minute apart, in the order given (the last is the newest)."""
    for n, type_ in enumerate(types):
        at = world.stack.now() + timedelta(minutes=n)
        world.stack.ops.record(OpsEvent(world.store_hash, type_, {"n": n}, at))


def _items(world: ApiWorld, **query: str) -> dict[str, Any]:
    reply = call(world, "GET", "/admin/ops/items", session_token(world), query=query)
    assert reply.status == 200, reply.body
    return dict(reply.json())


def test_the_stores_ops_items_are_listed_newest_first_and_no_other_stores(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given two items here and one in another store
    _record(other, "gift.refused")
    _record(world, "plan.invalid", "subscription.cancel_routed")
    # When each merchant lists their ops items
    mine = _items(world)
    theirs = _items(other)
    # Then each sees only their own, newest first, with type, time and data
    assert [(i["type"], i["data"]) for i in mine["items"]] == [
        ("subscription.cancel_routed", {"n": 1}),
        ("plan.invalid", {"n": 0}),
    ]
    assert mine["items"][0]["occurred_at"] > mine["items"][1]["occurred_at"]
    assert mine["next_cursor"] is None
    assert [i["type"] for i in theirs["items"]] == ["gift.refused"]


def test_ops_items_page_by_type_with_a_cursor_only_this_store_accepts(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given three plan.invalid items with another type between them
    _record(world, "plan.invalid", "gift.refused", "plan.invalid", "plan.invalid")
    _record(other, "plan.invalid", "plan.invalid")
    # When the merchant pages through plan.invalid one at a time
    seen: list[int] = []
    page = _items(world, type="plan.invalid", limit="1")
    while True:
        seen += [i["data"]["n"] for i in page["items"]]
        if page["next_cursor"] is None:
            break
        page = _items(world, type="plan.invalid", limit="1", cursor=page["next_cursor"])
    # Then each comes once, newest first, and nothing of the other type
    assert seen == [3, 2, 0]
    # And this store's cursor is refused to the other store, as is a forged one
    mine = _items(world, limit="1")["next_cursor"]
    for who, cursor in [(other, mine), (world, "%%%"), (world, "eyJzIjogIngifQ")]:
        reply = call(who, "GET", "/admin/ops/items", session_token(who), query={"cursor": cursor})
        assert reply.status == 400 and reply.json()["error"] == "invalid_cursor"


def test_a_limit_outside_one_to_a_hundred_is_refused_as_invalid_input(world: ApiWorld) -> None:
    # Given an item, When it is listed with limits outside 1-100 or an empty type
    _record(world, "plan.invalid")
    token = session_token(world)
    replies = [
        call(world, "GET", "/admin/ops/items", token, query=query)
        for query in ({"limit": "0"}, {"limit": "101"}, {"limit": "many"}, {"type": ""})
    ]
    # Then each is refused as invalid input naming the field
    assert [r.status for r in replies] == [422, 422, 422, 422]
    assert [[f["field"] for f in r.json()["fields"]] for r in replies] == [
        ["limit"],
        ["limit"],
        ["limit"],
        ["type"],
    ]
