"""Change requests on the whole topology (DynamoDB on moto, the admin and portal functions,
the outbox): a buyer's cancel request approved by the merchant cancels the subscription, one
the commitment lock refuses is recorded as not applied, and approving twice cancels once; the
merchant's webhook endpoint hears each step. The matrix runs on the in-memory container:
`tests/api/test_change_requests_api.py` and `tests/api/test_change_request_execution.py`."""

from __future__ import annotations

from typing import Any

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from devstack.stack import LocalStack

from .admin_api_client import call, session_token, subscription_ids
from .world import PRODUCT_ID, World


def _buyer_asks_to_cancel(world: World) -> tuple[str, str, str]:
    """A store whose shoppers' changes wait for approval, and a buyer's cancel request."""
    token = session_token(world)
    settings = {"change_requests": {"shopper_changes": "request"}}
    assert call(world, "PUT", "/admin/config", token, settings).status == 200
    customer, _ = world.subscribe()
    [sub_id] = subscription_ids(world)
    buyer = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    reply = call(world, "POST", f"/portal/subscriptions/{sub_id}/cancel", buyer, {})
    assert reply.status == 202, reply.body
    return token, sub_id, str(reply.json()["change_request"]["id"])


def _approve(world: World, token: str, sub_id: str, request_id: str) -> Any:
    path = f"/admin/subscriptions/{sub_id}/change-requests/{request_id}/approve"
    reply = call(world, "POST", path, token, {"reason": "agreed with the buyer"})
    assert reply.status == 200, reply.body
    return reply.json()


def test_a_buyers_cancel_request_approved_twice_cancels_the_subscription_once(
    stack: LocalStack,
) -> None:
    # Given a buyer's pending cancel request, in the merchant's approval queue
    world = World.create(stack)
    token, sub_id, request_id = _buyer_asks_to_cancel(world)
    queue = call(world, "GET", "/admin/ops/change-requests", token).json()
    assert [r["id"] for r in queue["items"]] == [request_id]
    # When the merchant approves it, and approves it again
    first = _approve(world, token, sub_id, request_id)
    second = _approve(world, token, sub_id, request_id)
    # Then the subscription is cancelled, once, and the queue is empty
    assert first["status"] == second["status"] == "applied"
    detail = call(world, "GET", f"/admin/subscriptions/{sub_id}", token).json()
    assert detail["subscription"]["status"] == "cancelled"
    types = world.event_types()
    assert types.count("subscription.cancelled") == 1
    assert types.count("change_request.applied") == 1
    assert call(world, "GET", "/admin/ops/change-requests", token).json()["items"] == []
    # and the merchant's endpoint heard each step, the cancel between (in the subscription's
    # sequence: deliveries themselves may arrive in any order)
    world.stack.pump()
    received = world.stack.receiver.received
    mine = [r for r in received if r.body["data"].get("subscription_id") == sub_id]
    heard = [r.event_type for r in sorted(mine, key=lambda r: r.body["data"]["sequence"])]
    assert [t for t in heard if t.startswith("change_request.") or t.endswith("cancelled")] == [
        "change_request.submitted",
        "change_request.approved",
        "subscription.cancelled",
        "change_request.applied",
    ]


def test_a_buyers_cancel_request_the_commitment_lock_refuses_is_recorded_as_not_applied(
    stack: LocalStack,
) -> None:
    # Given a buyer inside a three-cycle commitment, whose cancel request waits
    world = World.create(stack)
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    stack.put_plan(
        world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[monthly], commitment_count=3)
    )
    token, sub_id, request_id = _buyer_asks_to_cancel(world)
    # When the merchant approves it
    done = _approve(world, token, sub_id, request_id)
    # Then it is not applied, because of the lock, and the subscription runs on
    assert (done["status"], done["outcome"]["code"]) == ("not_applied", "cancel_locked")
    detail = call(world, "GET", f"/admin/subscriptions/{sub_id}", token).json()
    assert detail["subscription"]["status"] == "active"
    assert world.event_types()[-3:] == [
        "change_request.submitted",
        "change_request.approved",
        "change_request.not_applied",
    ]
