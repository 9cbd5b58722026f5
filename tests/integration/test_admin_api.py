"""The merchant admin API on the whole topology: the session `/load` mints in the app shell
reaches the API and sees only its own store. Every other admin subscription route is tried on
the in-memory container (`tests/api/test_admin_subscriptions_api.py`), whose sessions are
minted as `/load` mints them; this is where the two meet."""

from __future__ import annotations

import pytest

from devstack.stack import LocalStack

from .admin_api_client import call, session_token, subscription_ids
from .world import World


@pytest.fixture
def other(stack: LocalStack) -> World:
    return World.create(stack)


def _sub(world: World) -> str:
    world.subscribe()
    return subscription_ids(world)[-1]


def test_load_mints_a_session_that_lists_only_the_stores_subscriptions(
    world: World, other: World
) -> None:
    # Given a subscription in each of two stores
    mine, theirs = _sub(world), _sub(other)
    # When the merchant lists with the session /load gave them
    reply = call(world, "GET", "/admin/subscriptions", session_token(world))
    # Then only their own store's subscription is there
    assert reply.status == 200
    assert [s["id"] for s in reply.json()["items"]] == [mine]
    assert theirs != mine
