"""EntitlementWorkerFunction, fed the subscription's events as the table's stream delivers
them, moves a membership to the beneficiary the merchant names through the admin API; the
admin API then shows the new holder in the group and the old one back in theirs."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

from bc_subscriptions.domain.entitlements import PlanEntitlement
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from devstack import lambda_events as le
from devstack.bc_emulator import customer_groups

from .subscription_stream import subscription_stream
from .world import PRODUCT_ID, ApiWorld

_WORKER = Path(__file__).parents[2] / "functions" / "entitlement_worker" / "app.py"


def _worker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_entitlement_worker_moves", _WORKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_worker_moves_a_membership_to_the_beneficiary_the_merchant_names_once(
    world: ApiWorld,
) -> None:
    # Given a member whose membership the worker has granted, and a friend in the store
    members = customer_groups.add_group(world.emulator, world.store_hash, "Members")
    grant = PlanEntitlement(key="members", customer_group_id=members)
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    world.stack.put_plan(
        world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[monthly], entitlements=(grant,))
    )
    owner, _ = world.subscribe()
    friend = world.shopper()
    [sub_id] = world.subscription_ids()
    worker, context = _worker(), le.LambdaContext(function_name="w", timeout_s=60)
    assert worker.handler(subscription_stream(world), context) == {"batchItemFailures": []}
    token = world.session_token()
    # When the merchant names the friend the beneficiary and the worker handles the stream's
    # records, twice over
    body = {"customer_id": friend.id, "role": "beneficiary"}
    named = world.call("POST", f"/admin/subscriptions/{sub_id}/actors", token, body)
    assert named.status == 200, named.body
    for _ in range(2):
        assert worker.handler(subscription_stream(world), context) == {"batchItemFailures": []}
    # Then the friend is the member, the owner back in the group they had, moved once
    groups = (
        customer_groups.group_of(world.emulator, world.store_hash, owner.id),
        customer_groups.group_of(world.emulator, world.store_hash, friend.id),
    )
    assert groups == (0, members)
    reply = world.call("GET", f"/admin/subscriptions/{sub_id}/entitlements", token)
    assert reply.status == 200, reply.body
    view = reply.json()
    assert view["customer_id"] == friend.id
    assert (view["customer_group"]["applied_group_id"], view["customer_group"]["pending"]) == (
        members,
        False,
    )
    moved = [
        (e.type, json.loads(e.envelope)["data"]["customer_id"])
        for e in sorted(world.stack.store.events(world.store_hash), key=lambda e: e.seq)
        if e.type.startswith("entitlement.")
    ]
    assert moved == [
        ("entitlement.granted", owner.id),
        ("entitlement.revoked", owner.id),
        ("entitlement.granted", friend.id),
    ]
