"""`GET /admin/subscriptions/{id}/entitlements` on the in-memory container: what a membership
grants and where the holder's group stands, only for the subscription's own store."""

from __future__ import annotations

import json

from bc_subscriptions import bootstrap
from bc_subscriptions.domain.entitlements import PlanEntitlement
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.services.entitlement_sync import follow_event
from devstack.bc_emulator import customer_groups

from .world import PRODUCT_ID, ApiStack, ApiWorld


def _membership(world: ApiWorld) -> int:
    """The store's plan grants a Members group; returns its id."""
    members = customer_groups.add_group(world.emulator, world.store_hash, "Members")
    grant = PlanEntitlement(key="members", customer_group_id=members)
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    world.stack.put_plan(
        world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[monthly], entitlements=(grant,))
    )
    return members


def _follow_events(world: ApiWorld) -> None:
    """What EntitlementWorkerFunction does with each subscription event from the stream."""
    for event in world.stack.store.events(world.store_hash):
        assert event.subscription_id is not None
        follow_event(
            bootstrap.container().entitlement_deps,
            world.store_hash,
            event.subscription_id,
            event_type=event.type,
            seq=event.seq,
            data=json.loads(event.envelope)["data"],
        )


def test_the_merchant_sees_a_granted_membership_and_the_group_it_put_the_customer_in(
    world: ApiWorld,
) -> None:
    # Given a membership bought and its events followed
    members = _membership(world)
    customer, _ = world.subscribe()
    [sub_id] = world.subscription_ids()
    _follow_events(world)
    # When the merchant asks
    reply = world.call("GET", f"/admin/subscriptions/{sub_id}/entitlements", world.session_token())
    # Then
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["customer_id"] == customer.id
    [ent] = body["entitlements"]
    assert (ent["key"], ent["status"], ent["customer_group_id"]) == ("members", "active", members)
    assert body["customer_group"] == {
        "wanted_group_id": members,
        "applied_group_id": members,
        "original_group_id": 0,
        "changed_by_hand_to": None,
        "pending": False,
    }


def test_a_subscription_whose_events_were_not_followed_yet_grants_nothing_so_far(
    world: ApiWorld,
) -> None:
    _membership(world)
    world.subscribe()
    [sub_id] = world.subscription_ids()
    reply = world.call("GET", f"/admin/subscriptions/{sub_id}/entitlements", world.session_token())
    assert reply.status == 200
    assert reply.json()["entitlements"] == [] and reply.json()["customer_group"] is None


def test_another_stores_merchant_and_a_shopper_cannot_read_a_subscriptions_entitlements(
    stack: ApiStack, world: ApiWorld
) -> None:
    # Given a member of this store
    _membership(world)
    customer, _ = world.subscribe()
    [sub_id] = world.subscription_ids()
    _follow_events(world)
    other = ApiWorld.create(stack)
    shopper = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    path = f"/admin/subscriptions/{sub_id}/entitlements"
    # When another store's merchant, then the subscriber, ask the admin API
    foreign = other.call("GET", path, other.session_token())
    own_shopper = world.call("GET", path, shopper)
    # Then it does not exist for the other store, and a shopper is no merchant
    assert (foreign.status, foreign.json()["error"]) == (404, "not_found")
    assert own_shopper.status == 401
