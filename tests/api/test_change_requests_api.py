"""Change requests through the admin and portal APIs, on the in-memory container: a shopper
whose store wants approval submits through the usual route (202), the merchant approves or
rejects from the approval queue, and an approval executes the change once, through the same
guards, recording whether it applied."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

from .world import PRODUCT_ID, ApiStack, ApiWorld

MONTHLY = Cadence(label="Monthly", interval=Interval.MONTH)


def _require_approval(world: ApiWorld, hours: int = 72) -> None:
    """The merchant's settings: shoppers' changes wait for approval, `hours` at most."""
    overrides = {"change_requests": {"shopper_changes": "request", "expire_after_hours": hours}}
    reply = world.call("PUT", "/admin/config", world.session_token(), overrides)
    assert reply.status == 200, reply.body


def _shopper(world: ApiWorld) -> tuple[str, str]:
    customer, _ = world.subscribe()
    token = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    return world.subscription_ids()[-1], token


def _submit(world: ApiWorld, token: str, sub_id: str, route: str, body: Any = None) -> str:
    reply = world.call("POST", f"/portal/subscriptions/{sub_id}/{route}", token, body)
    assert reply.status == 202, reply.body
    return str(reply.json()["change_request"]["id"])


def _decide(world: ApiWorld, sub_id: str, request_id: str, decision: str, body: Any = None) -> Any:
    path = f"/admin/subscriptions/{sub_id}/change-requests/{request_id}/{decision}"
    return world.call("POST", path, world.session_token(), body)


def _queue(world: ApiWorld, **query: str) -> Any:
    headers = {"authorization": f"Bearer {world.session_token()}"}
    return world.stack.http("GET", "/admin/ops/change-requests", b"", headers, query or None)


def _subscription(world: ApiWorld, sub_id: str) -> dict[str, Any]:
    reply = world.call("GET", f"/admin/subscriptions/{sub_id}", world.session_token())
    return dict(reply.json()["subscription"])


def test_a_shopper_who_must_ask_gets_202_and_the_subscription_waits_unchanged(
    world: ApiWorld,
) -> None:
    # Given a store whose shoppers' changes wait for approval
    _require_approval(world)
    sub_id, token = _shopper(world)
    # When the shopper cancels through the usual portal route
    reply = world.call("POST", f"/portal/subscriptions/{sub_id}/cancel", token, {})
    # Then the answer says it waits, with the request
    assert reply.status == 202, reply.body
    body = reply.json()
    assert body["pending_approval"] is True
    request = body["change_request"]
    assert (request["kind"], request["status"], request["change"]) == (
        "cancel",
        "pending",
        {"when": "immediately"},
    )
    assert request["requested_by"]["actor"] == "shopper"
    # and the subscription is still active, its history saying a request was submitted
    assert _subscription(world, sub_id)["status"] == "active"
    assert world.event_types()[-1] == "change_request.submitted"
    # and the shopper reads their request back, alone and in the subscription's list
    path = f"/portal/subscriptions/{sub_id}/change-requests"
    assert world.call("GET", f"{path}/{request['id']}", token).json()["status"] == "pending"
    listed = world.call("GET", path, token).json()["items"]
    assert [r["id"] for r in listed] == [request["id"]]


def test_the_merchant_approving_a_buyers_cancel_request_cancels_the_subscription(
    world: ApiWorld,
) -> None:
    # Given a buyer's pending cancel request
    _require_approval(world)
    sub_id, token = _shopper(world)
    request_id = _submit(world, token, sub_id, "cancel", {})
    # When the merchant approves it with a reason
    reply = _decide(world, sub_id, request_id, "approve", {"reason": "contract ended"})
    # Then the change was applied: the subscription is cancelled
    assert reply.status == 200, reply.body
    assert (reply.json()["status"], reply.json()["reason"]) == ("applied", "contract ended")
    assert reply.json()["decided_by"] == {"actor": "merchant", "customer_id": None}
    assert _subscription(world, sub_id)["status"] == "cancelled"
    # and the history holds the request's progress around the cancel it made
    tail = world.event_types()[-4:]
    assert tail == [
        "change_request.submitted",
        "change_request.approved",
        "subscription.cancelled",
        "change_request.applied",
    ]


def test_an_approved_cancel_the_commitment_lock_refuses_is_recorded_as_not_applied(
    stack: ApiStack,
) -> None:
    # Given a buyer inside a three-cycle commitment, whose cancel request waits
    world = ApiWorld.create(stack)
    stack.put_plan(
        world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[MONTHLY], commitment_count=3)
    )
    _require_approval(world)
    sub_id, token = _shopper(world)
    request_id = _submit(world, token, sub_id, "cancel", {})
    # When the merchant approves it
    reply = _decide(world, sub_id, request_id, "approve")
    # Then the lock refused it, and the request says so; the subscription runs on
    assert reply.status == 200, reply.body
    assert reply.json()["status"] == "not_applied"
    assert reply.json()["outcome"]["code"] == "cancel_locked"
    assert _subscription(world, sub_id)["status"] == "active"
    assert world.event_types()[-1] == "change_request.not_applied"
    assert world.event_data("change_request.not_applied")["outcome"]["code"] == "cancel_locked"


def test_approving_twice_executes_the_change_once(world: ApiWorld) -> None:
    # Given a buyer's pending skip request (a skip run twice would skip two cycles)
    _require_approval(world)
    sub_id, token = _shopper(world)
    before = _subscription(world, sub_id)["next_renewal_at"]
    request_id = _submit(world, token, sub_id, "skip")
    # When the merchant approves it twice
    first = _decide(world, sub_id, request_id, "approve")
    second = _decide(world, sub_id, request_id, "approve")
    # Then both answer the applied request, and one cycle was skipped
    assert (first.status, second.status) == (200, 200)
    assert first.json() == second.json()
    assert first.json()["status"] == "applied"
    assert world.event_types().count("subscription.cycle_skipped") == 1
    assert world.event_types().count("change_request.applied") == 1
    assert _subscription(world, sub_id)["next_renewal_at"] != before


def test_the_merchant_rejects_a_request_with_a_reason_and_nothing_changes(
    world: ApiWorld,
) -> None:
    # Given a buyer's pending pause request
    _require_approval(world)
    sub_id, token = _shopper(world)
    request_id = _submit(world, token, sub_id, "pause")
    # When the merchant rejects it
    reply = _decide(world, sub_id, request_id, "reject", {"reason": "peak season"})
    # Then it is rejected, the subscription unchanged, and it cannot be approved afterwards
    assert (reply.json()["status"], reply.json()["reason"]) == ("rejected", "peak season")
    assert _subscription(world, sub_id)["status"] == "active"
    late = _decide(world, sub_id, request_id, "approve")
    assert (late.status, late.json()["error"]) == (409, "change_request_closed")
    assert world.event_types().count("change_request.rejected") == 1


def test_the_approval_queue_lists_only_the_stores_pending_requests(
    world: ApiWorld, stack: ApiStack
) -> None:
    # Given two pending requests here, one decided, and one in another store
    other = ApiWorld.create(stack)
    for w in (world, other):
        _require_approval(w)
    sub_id, token = _shopper(world)
    skip = _submit(world, token, sub_id, "skip")
    quantity = _submit(world, token, sub_id, "quantity", {"product_id": PRODUCT_ID, "quantity": 4})
    second_sub, second_token = _shopper(world)
    decided = _submit(world, second_token, second_sub, "pause")
    assert _decide(world, second_sub, decided, "reject").status == 200
    other_sub, other_token = _shopper(other)
    _submit(other, other_token, other_sub, "skip")
    # When the merchant reads the queue
    reply = _queue(world)
    # Then it lists their store's pending requests only
    assert reply.status == 200, reply.body
    assert {r["id"] for r in reply.json()["items"]} == {skip, quantity}
    # and pages through them with a cursor
    first = _queue(world, limit="1").json()
    rest = _queue(world, limit="1", cursor=first["next_cursor"]).json()
    assert {r["id"] for r in first["items"] + rest["items"]} == {skip, quantity}


def test_a_second_request_of_the_same_kind_waits_for_the_first(world: ApiWorld) -> None:
    _require_approval(world)
    sub_id, token = _shopper(world)
    _submit(world, token, sub_id, "skip")
    before = world.records()
    reply = world.call("POST", f"/portal/subscriptions/{sub_id}/skip", token)
    assert (reply.status, reply.json()["error"]) == (409, "change_request_pending")
    assert world.records() == before


def test_a_shopper_may_not_decide_their_own_request(world: ApiWorld) -> None:
    _require_approval(world)
    sub_id, token = _shopper(world)
    request_id = _submit(world, token, sub_id, "cancel", {})
    before = world.records()
    path = f"/portal/subscriptions/{sub_id}/change-requests/{request_id}/approve"
    reply = world.call("POST", path, token)
    assert (reply.status, reply.json()["error"], reply.json()["role"]) == (
        403,
        "not_an_approver",
        "shopper",
    )
    assert world.records() == before


@pytest.mark.parametrize("reason", ["x" * 501, "two\nlines", ""])
def test_a_bad_reason_is_a_422_and_nothing_is_written(world: ApiWorld, reason: str) -> None:
    _require_approval(world)
    sub_id, token = _shopper(world)
    request_id = _submit(world, token, sub_id, "skip")
    before = world.records()
    reply = _decide(world, sub_id, request_id, "approve", {"reason": reason})
    assert (reply.status, reply.json()["error"]) == (422, "invalid_request")
    assert world.records() == before


def test_a_request_nobody_decides_expires_and_cannot_be_approved(world: ApiWorld) -> None:
    # Given a store whose requests wait two hours, and a pending request
    _require_approval(world, hours=2)
    sub_id, token = _shopper(world)
    request_id = _submit(world, token, sub_id, "skip")
    # When three hours pass
    world.stack.clock.advance(timedelta(hours=3))
    # Then it has left the queue, and approving it records its expiry instead
    assert _queue(world).json()["items"] == []
    reply = _decide(world, sub_id, request_id, "approve")
    assert (reply.status, reply.json()["error"]) == (409, "change_request_expired")
    assert world.event_types()[-1] == "change_request.expired"
    assert "subscription.cycle_skipped" not in world.event_types()


def test_a_pause_whose_end_passed_before_the_approval_is_not_applied(world: ApiWorld) -> None:
    # Given a pending request to pause until tomorrow
    _require_approval(world)
    sub_id, token = _shopper(world)
    until = (world.stack.now() + timedelta(days=1)).isoformat()
    request_id = _submit(world, token, sub_id, "pause", {"resume_at": until})
    # When it is approved two days later
    world.stack.clock.advance(timedelta(days=2))
    reply = _decide(world, sub_id, request_id, "approve")
    # Then it is not applied, and says why; the subscription was never paused
    assert reply.json()["status"] == "not_applied"
    assert reply.json()["outcome"]["code"] == "invalid_resume_at"
    assert "subscription.paused" not in world.event_types()


@pytest.mark.parametrize(
    "setting",
    [{"shopper_changes": "maybe"}, {"expire_after_hours": 0}, {"expire_after_hours": 721}],
)
def test_an_invalid_change_request_setting_is_a_422_and_nothing_is_written(
    world: ApiWorld, setting: dict[str, Any]
) -> None:
    before = world.records()
    reply = world.call("PUT", "/admin/config", world.session_token(), {"change_requests": setting})
    assert reply.status == 422, reply.body
    assert world.records() == before


def test_a_shopper_asks_only_for_what_their_role_allows(world: ApiWorld) -> None:
    # Given a store whose shoppers ask, and a gift-style beneficiary who may skip but not cancel
    _require_approval(world)
    world.subscribe()
    sub_id = world.subscription_ids()[-1]
    receiver = world.shopper()
    body = {"customer_id": receiver.id, "role": "beneficiary"}
    added = world.call("POST", f"/admin/subscriptions/{sub_id}/actors", world.session_token(), body)
    assert added.status in (200, 201), added.body
    token = str(world.emulator.current_customer_jwt(world.store_hash, receiver.id))
    # When the beneficiary asks to cancel, then to skip
    cancel = world.call("POST", f"/portal/subscriptions/{sub_id}/cancel", token, {})
    skip = world.call("POST", f"/portal/subscriptions/{sub_id}/skip", token, {})
    # Then the cancel is refused for their role and never queued; the skip waits for approval
    assert cancel.status == 403, cancel.body
    assert (cancel.json()["error"], cancel.json()["roles"]) == (
        "role_forbids_action",
        ["beneficiary"],
    )
    assert skip.status == 202, skip.body
    assert [r["kind"] for r in _queue(world).json()["items"]] == ["skip"]
