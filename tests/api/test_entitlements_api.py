"""`GET /admin/subscriptions/{id}/entitlements` on the in-memory container: what a membership
grants and where the holder's group stands, only for the subscription's own store."""

from __future__ import annotations

import json
from typing import Any

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


def _put_plan(world: ApiWorld, body: dict[str, object]) -> Any:
    token = world.session_token()
    headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
    return world.stack.http("PUT", f"/admin/plans/{PRODUCT_ID}", json.dumps(body).encode(), headers)


def _plan_field(world: ApiWorld) -> list[dict[str, Any]]:
    store = world.emulator.stores[world.store_hash]
    return [dict(m) for m in store.metafields.get(PRODUCT_ID, {}).values()]


MONTHLY_BODY = [{"label": "Monthly", "interval": "month"}]


def test_a_plan_granting_another_stores_customer_group_is_refused_and_nothing_is_written(
    stack: ApiStack, world: ApiWorld
) -> None:
    # Given a group of this store, and one that only another store has
    ours = customer_groups.add_group(world.emulator, world.store_hash, "Members")
    other = ApiWorld.create(stack)
    customer_groups.add_group(other.emulator, other.store_hash, "Their retail")
    foreign = customer_groups.add_group(other.emulator, other.store_hash, "Their members")
    assert foreign != ours
    before = _plan_field(world)
    grants = [
        {"key": "members", "customer_group_id": ours},
        {"key": "theirs", "customer_group_id": foreign},
    ]
    # When the merchant sets a plan granting both
    reply = _put_plan(world, {"cadences": MONTHLY_BODY, "entitlements": grants})
    # Then the foreign group is named by its place in the plan, and nothing changed
    assert reply.status == 422 and reply.json()["error"] == "invalid_plan"
    assert [f["field"] for f in reply.json()["fields"]] == [
        ["entitlements", 1, "customer_group_id"]
    ]
    assert _plan_field(world) == before


def test_a_plan_granting_the_stores_own_group_is_published_with_its_cancel_grace(
    world: ApiWorld,
) -> None:
    members = customer_groups.add_group(world.emulator, world.store_hash, "Members")
    grants = [{"key": "members", "customer_group_id": members, "priority": 2}]
    reply = _put_plan(
        world, {"cadences": MONTHLY_BODY, "entitlements": grants, "cancel_grace_days": 3}
    )
    assert reply.status == 200, reply.body
    stored = json.loads(_plan_field(world)[0]["value"])
    assert stored["entitlements"] == grants and stored["cancel_grace_days"] == 3
