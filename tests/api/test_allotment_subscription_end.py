"""EntitlementWorkerFunction, fed the subscription's events as the table's stream delivers
them, ends the plan's allotments of a cancelled subscription on the in-memory container; the
admin API shows them revoked and the merchant's own grant standing."""

from __future__ import annotations

import importlib.util
import json
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from bc_subscriptions import bootstrap
from bc_subscriptions.domain.allotments import AllotmentUnit, PlanAllotment, RefreshCadence
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.services.entitlement_sync import EntitlementDeps
from bc_subscriptions.services.plan_allotments import grant_plan_allotments
from devstack import lambda_events as le

from .container import MemoryContainer
from .subscription_stream import subscription_stream
from .world import PRODUCT_ID, ApiStack, ApiWorld

_WORKER = Path(__file__).parents[2] / "functions" / "entitlement_worker" / "app.py"


def _worker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("api_entitlement_worker", _WORKER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _member(world: ApiWorld) -> tuple[int, str]:
    """A shopper subscribes to a plan granting 4 classes a week: (customer, subscription)."""
    classes = PlanAllotment(
        unit=AllotmentUnit.COUNT,
        amount_per_period=Decimal(4),
        cadence=RefreshCadence(interval=Interval.WEEK),
    )
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    world.stack.put_plan(
        world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[monthly], allotments=(classes,))
    )
    customer, _ = world.subscribe()
    [sub_id] = world.subscription_ids()
    c = bootstrap.container()
    granted = grant_plan_allotments(
        world.store_hash,
        (sub_id,),
        uow_factory=world.stack.uow,
        plans=world.stack.plans,
        deps=c.allotment_deps(),
    )
    assert granted == 1
    return int(customer.id), sub_id


def _grants(world: ApiWorld, customer_id: int) -> dict[str, dict[str, Any]]:
    headers = {"authorization": f"Bearer {world.session_token()}"}
    query = {"customer_id": str(customer_id)}
    reply = world.stack.http("GET", "/admin/allotments", headers=headers, query=query)
    assert reply.status == 200, reply.body
    return {g["granted_by"]["kind"]: g for g in reply.json()["allotments"]}


def _hand_grant(world: ApiWorld, customer_id: int) -> None:
    body = {"customer_id": customer_id, "unit": "count", "amount_per_period": "1"}
    reply = world.call("POST", "/admin/allotments", world.session_token(), body)
    assert reply.status == 201, reply.body


def test_the_worker_revokes_a_cancelled_subscriptions_plan_grant_once(world: ApiWorld) -> None:
    # Given a member with the plan's grant and one the merchant made by hand
    customer_id, sub_id = _member(world)
    _hand_grant(world, customer_id)
    token = world.session_token()
    # When the merchant cancels and the worker handles the stream's records, twice over
    assert world.call("POST", f"/admin/subscriptions/{sub_id}/cancel", token, {}).status == 200
    worker = _worker()
    for _ in range(2):
        reply = worker.handler(
            subscription_stream(world), le.LambdaContext(function_name="w", timeout_s=60)
        )
        assert reply == {"batchItemFailures": []}
    # Then the plan's grant is revoked once, naming the cancel; the merchant's stands
    grants = _grants(world, customer_id)
    assert (grants["plan"]["status"], grants["merchant"]["status"]) == ("revoked", "active")
    revoked = [
        json.loads(e.envelope)["data"]
        for e in world.stack.store.events(world.store_hash)
        if e.type == "allotment.revoked"
    ]
    assert [r["reason"] for r in revoked] == ["subscription.cancelled:requested"]


class EntitlementsDown(MemoryContainer):
    """The entitlement step cannot run (its storage keeps failing)."""

    @property
    def entitlement_deps(self) -> EntitlementDeps:
        raise RuntimeError("entitlement storage unavailable")


def test_a_failing_entitlement_step_fails_the_record_but_still_ends_the_allotments(
    stack: ApiStack, world: ApiWorld
) -> None:
    # Given a member whose subscription the merchant cancelled
    customer_id, sub_id = _member(world)
    token = world.session_token()
    assert world.call("POST", f"/admin/subscriptions/{sub_id}/cancel", token, {}).status == 200
    # When the worker handles the records while the entitlement step fails
    bootstrap.use(EntitlementsDown(stack))
    event = subscription_stream(world)
    reply = _worker().handler(event, le.LambdaContext(function_name="w", timeout_s=60))
    bootstrap.use(MemoryContainer(stack))
    # Then every record fails (the stream delivers them again), yet the plan's grant is revoked
    assert len(reply["batchItemFailures"]) == len(event["Records"])
    assert _grants(world, customer_id)["plan"]["status"] == "revoked"
