"""A membership on the whole topology: the table's stream drives EntitlementWorkerFunction, the
reconciliation sweep retries what BigCommerce failed, the admin API shows the result.

The fault matrix over every BigCommerce call runs on the in-memory unit of work
(`tests/services/test_entitlement_faults.py`); this keeps one scenario with faults on moto.
"""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.entitlements import PlanEntitlement
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.services.tenant_settings import update_tenant_config
from devstack.bc_emulator import customer_groups

from ..emulator_store import PRODUCT_ID
from .admin_api_client import call, session_token
from .world import World

PUT_CUSTOMERS = ("PUT", "/stores/*/v3/customers")


def _group(world: World, customer_id: int) -> int:
    return customer_groups.group_of(world.emulator, world.store_hash, customer_id)


def _entitlements(world: World, token: str, sub_id: str) -> dict[str, Any]:
    reply = call(world, "GET", f"/admin/subscriptions/{sub_id}/entitlements", token)
    assert reply.status == 200, reply.body
    body: dict[str, Any] = reply.json()
    return body


def test_a_membership_follows_its_subscription_through_the_stream_with_faults_at_bigcommerce(
    world: World,
) -> None:
    # Given a plan granting the Members group, dunning that pauses when it gives up, and a
    # shopper in the store's Retail group
    stack = world.stack
    members = customer_groups.add_group(world.emulator, world.store_hash, "Members")
    retail = customer_groups.add_group(world.emulator, world.store_hash, "Retail")
    grant = PlanEntitlement(key="members", customer_group_id=members)
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    stack.put_plan(
        world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[monthly], entitlements=(grant,))
    )
    update_tenant_config(container().unit_of_work(), world.store_hash, '{"preset": "lenient"}')
    customer = world.shopper()
    customer_groups.move_by_hand(world.emulator, world.store_hash, customer.id, retail)
    token = session_token(world)

    # When they buy it, and BigCommerce applies the group change but the answer is lost
    world.emulator.faults.inject(*PUT_CUSTOMERS, "5xx_after", times=1)
    world.checkout(customer)
    stack.pump()
    [sub] = world.of_kind("subscription")
    sub_id = str(sub["subscription_id"])
    # Then they are a member at once, and the sweep later only confirms it
    assert _group(world, customer.id) == members
    stack.fire("ReconciliationSweepFunction")
    stack.pump()
    view = _entitlements(world, token, sub_id)
    assert view["entitlements"][0]["status"] == "active"
    assert view["customer_group"]["pending"] is False

    # When their card stops paying, dunning gives up, and the first change back is refused
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "decline")
    world.renew()
    world.emulator.faults.inject(*PUT_CUSTOMERS, "5xx_before", times=1)
    for _ in range(16):
        stack.advance_clock(timedelta(days=2))
        stack.fire("RenewalSweepFunction")
        stack.pump()
    assert world.of_kind("subscription")[0]["status"] == "paused"
    # Then the reconciliation sweep moves them back to their own group
    assert _group(world, customer.id) == members
    stack.fire("ReconciliationSweepFunction")
    stack.pump()
    assert _group(world, customer.id) == retail

    # When the merchant cancels the paused subscription
    reply = call(world, "POST", f"/admin/subscriptions/{sub_id}/cancel", token, {})
    assert reply.status == 200, reply.body
    stack.pump()
    # Then the membership is revoked, they keep their own group, and merchants heard each step
    assert _group(world, customer.id) == retail
    view = _entitlements(world, token, sub_id)
    assert view["entitlements"][0]["status"] == "revoked"
    assert [t for t in world.event_types() if t.startswith("entitlement.")] == [
        "entitlement.granted",
        "entitlement.suspended",
        "entitlement.revoked",
    ]
    # And each event's payload is the one its schema describes
    for item in world.of_kind("event"):
        if str(item["type"]).startswith("entitlement."):
            body = json.loads(str(item["envelope"]))
            schema = json.loads(
                resources.files("bc_subscriptions.schemas")
                .joinpath(f"{item['type']}.json")
                .read_text()
            )
            assert list(Draft202012Validator(schema).iter_errors(body)) == []
