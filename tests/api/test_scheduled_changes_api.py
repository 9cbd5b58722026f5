"""Pause until a date and cancel at period end through the admin and portal APIs (API Gateway
events through the handlers, on the in-memory container): answers, 422 and 409 codes, and
ownership (404, nothing written). `tests/integration/test_scheduled_changes_api.py` keeps a
few of these on the whole topology."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.services.tenant_settings import update_tenant_config
from devstack.runtime import HttpResponse

from .world import PRODUCT_ID, ApiStack, ApiWorld

# An API as a caller sees it: (method, path under /subscriptions/<id>, body) -> answer.
Api = Callable[[str, str, Any], HttpResponse]


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _admin(world: ApiWorld) -> tuple[str, Api]:
    """A subscription of the store and its merchant's API."""
    customer, _ = world.subscribe()
    [sub] = [s for s in world.subscriptions() if s["doc"]["customer_id"] == customer.id]
    sub_id, token = str(sub["doc"]["id"]), world.session_token()

    def api(method: str, action: str, body: Any = None) -> HttpResponse:
        return world.call(method, f"/admin/subscriptions/{sub_id}{action}", token, body)

    return sub_id, api


def _portal(world: ApiWorld) -> tuple[str, Api]:
    """A shopper's subscription and the shopper's portal API."""
    customer, _ = world.subscribe()
    [sub] = [s for s in world.subscriptions() if s["doc"]["customer_id"] == customer.id]
    sub_id = str(sub["doc"]["id"])
    token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
    return sub_id, _portal_api(world, sub_id, token)


def _portal_api(world: ApiWorld, sub_id: str, token: str) -> Api:
    def api(method: str, action: str, body: Any = None) -> HttpResponse:
        headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
        raw = b"" if body is None else json.dumps(body).encode()
        return world.stack.http(method, f"/portal/subscriptions/{sub_id}{action}", raw, headers)

    return api


APIS = {"admin": _admin, "portal": _portal}


def _state(world: ApiWorld) -> tuple[list[str], list[dict[str, Any]]]:
    """What a refused request must leave as it was: the events and the subscription records
    (with their lock versions)."""
    subs = sorted(world.subscriptions(), key=lambda s: str(s["doc"]["id"]))
    return world.event_types(), subs


def _data(world: ApiWorld, type_: str) -> dict[str, Any]:
    return world.event_data(type_)


@pytest.mark.parametrize("side", APIS)
def test_pause_until_a_date_stores_it_and_says_so(world: ApiWorld, side: str) -> None:
    # Given
    _, api = APIS[side](world)
    resume_at = _iso(world.stack.now() + timedelta(days=45))
    # When
    reply = api("POST", "/pause", {"resume_at": resume_at})
    # Then
    assert reply.status == 200, reply.body
    assert (reply.json()["status"], reply.json()["resume_at"]) == ("paused", resume_at)
    assert _data(world, "subscription.paused")["resume_at"] == resume_at
    detail = api("GET", "", None).json()["subscription"]
    assert detail["resume_at"] == resume_at
    # And a manual resume clears it
    resumed = api("POST", "/resume")
    assert (resumed.json()["status"], resumed.json()["resume_at"]) == ("active", None)


@pytest.mark.parametrize("side", APIS)
@pytest.mark.parametrize("body", [None, {}, {"resume_at": None}])
def test_pause_without_a_date_is_indefinite(world: ApiWorld, side: str, body: Any) -> None:
    _, api = APIS[side](world)
    reply = api("POST", "/pause", body)
    assert (reply.status, reply.json()["resume_at"]) == (200, None)
    assert "resume_at" not in _data(world, "subscription.paused")


@pytest.mark.parametrize("side", APIS)
@pytest.mark.parametrize(
    "resume_at",
    [
        "now",
        "an hour ago",
        "366 days ahead",
        "2030-01-01T00:00:00",  # no time zone
        "next tuesday",
    ],
)
def test_a_resume_date_in_the_past_too_far_or_malformed_is_422(
    world: ApiWorld, side: str, resume_at: str
) -> None:
    # Given
    _, api = APIS[side](world)
    now = world.stack.now()
    value = {
        "now": _iso(now),
        "an hour ago": _iso(now - timedelta(hours=1)),
        "366 days ahead": _iso(now + timedelta(days=366)),
    }.get(resume_at, resume_at)
    before = _state(world)
    # When
    reply = api("POST", "/pause", {"resume_at": value})
    # Then
    assert (reply.status, reply.json()["error"]) == (422, "invalid_request")
    assert [f["field"] for f in reply.json()["fields"]] == ["resume_at"]
    assert _state(world) == before


@pytest.mark.parametrize("side", APIS)
def test_cancel_at_period_end_schedules_it_at_the_next_renewal(world: ApiWorld, side: str) -> None:
    # Given a store with an early-cancel fee
    fee = {"amount": "25.00", "until_paid_cycles": 3}
    update_tenant_config(
        container().unit_of_work(), world.store_hash, json.dumps({"early_cancel_fee": fee})
    )
    sub_id, api = APIS[side](world)
    renewal = api("GET", "").json()["subscription"]["next_renewal_at"]
    # When
    reply = api("POST", "/cancel", {"when": "period_end"})
    # Then it stays active until its next renewal date, and the fee is reported now
    body = reply.json()
    assert reply.status == 200, reply.body
    assert (body["status"], body["cancel_at"], body["early_cancel_fee"]) == (
        "active",
        renewal,
        "25.00",
    )
    data = _data(world, "subscription.cancel_scheduled")
    assert (data["cancel_at"], data["cycle"], data["early_cancel_fee"]["amount"]) == (
        renewal,
        2,
        "25.00",
    )
    [ticket] = [i for i in world.ops_events() if i["type"].endswith("cancel_requested")]
    assert json.loads(ticket["data"]) == {
        "subscription_id": sub_id,
        "customer_id": body["customer_id"],
        "actor": "merchant" if side == "admin" else "shopper",
        "when": "period_end",
        "cancel_at": renewal,
    }
    assert [i for i in world.ops_events() if i["type"].endswith("fee_owed")]
    assert world.renewal_orders() == []


@pytest.mark.parametrize("side", APIS)
def test_a_second_cancel_at_period_end_is_409_and_writes_nothing(
    world: ApiWorld, side: str
) -> None:
    _, api = APIS[side](world)
    assert api("POST", "/cancel", {"when": "period_end"}).status == 200
    before = _state(world)
    reply = api("POST", "/cancel", {"when": "period_end"})
    assert (reply.status, reply.json()["error"]) == (409, "cancel_already_scheduled")
    assert _state(world) == before


@pytest.mark.parametrize("side", APIS)
@pytest.mark.parametrize("first", ["pause", "cancel"])
def test_only_trialing_or_active_subscriptions_cancel_at_period_end(
    world: ApiWorld, side: str, first: str
) -> None:
    # Given a paused or cancelled subscription
    _, api = APIS[side](world)
    assert api("POST", f"/{first}", {}).status == 200
    before = _state(world)
    # When
    reply = api("POST", "/cancel", {"when": "period_end"})
    # Then it is told to cancel immediately instead, and nothing is written
    body = reply.json()
    assert (reply.status, body["error"]) == (409, "cancel_at_period_end_unavailable")
    assert "immediately" in body["message"]
    assert _state(world) == before


@pytest.mark.parametrize("side", APIS)
def test_cancel_at_period_end_keeps_the_commitment_lock_and_the_contract_guard(
    stack: ApiStack, side: str
) -> None:
    # Given a plan committing to 3 paid cycles
    world = ApiWorld.create(stack)
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    stack.put_plan(
        world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[monthly], commitment_count=3)
    )
    _, api = APIS[side](world)
    before = _state(world)
    # When / Then
    reply = api("POST", "/cancel", {"when": "period_end"})
    assert (reply.status, reply.json()["error"]) == (409, "cancel_locked")
    assert _state(world) == before
    # Given a store whose contract notice window opens in 60 days
    guarded = ApiWorld.create(stack)
    term_end = guarded.stack.now() + timedelta(days=90)
    guard = {"term_end_at": _iso(term_end), "notice_period_days": 30, "mode": "block"}
    update_tenant_config(
        container().unit_of_work(), guarded.store_hash, json.dumps({"contract_guard": guard})
    )
    _, api = APIS[side](guarded)
    before = _state(guarded)
    # When / Then
    reply = api("POST", "/cancel", {"when": "period_end"})
    assert (reply.status, reply.json()["error"]) == (409, "contract_notice_period")
    assert _state(guarded) == before


@pytest.mark.parametrize("side", APIS)
def test_withdrawing_a_scheduled_cancel(world: ApiWorld, side: str) -> None:
    # Given a cancel at period end
    _, api = APIS[side](world)
    cancel_at = api("POST", "/cancel", {"when": "period_end"}).json()["cancel_at"]
    # When
    reply = api("DELETE", "/scheduled-cancel")
    # Then
    assert (reply.status, reply.json()["cancel_at"], reply.json()["status"]) == (
        200,
        None,
        "active",
    )
    assert _data(world, "subscription.updated")["changes"] == {"cancel_at": [cancel_at, None]}
    # And once more there is nothing to withdraw
    before = _state(world)
    again = api("DELETE", "/scheduled-cancel")
    assert (again.status, again.json()["error"]) == (409, "no_scheduled_cancel")
    assert _state(world) == before


@pytest.mark.parametrize("side", APIS)
def test_an_unknown_when_is_422(world: ApiWorld, side: str) -> None:
    _, api = APIS[side](world)
    before = _state(world)
    reply = api("POST", "/cancel", {"when": "tomorrow"})
    assert reply.status == 422
    assert [f["field"] for f in reply.json()["fields"]] == ["when"]
    assert _state(world) == before


def _requests(world: ApiWorld) -> list[tuple[str, str, Any]]:
    return [
        ("POST", "/pause", {"resume_at": _iso(world.stack.now() + timedelta(days=10))}),
        ("POST", "/cancel", {"when": "period_end"}),
        ("DELETE", "/scheduled-cancel", None),
    ]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_another_stores_merchant_gets_404_on_the_scheduling_routes(
    stack: ApiStack, world: ApiWorld, index: int
) -> None:
    # Given a subscription with a cancel scheduled (so a withdrawal would have something to do)
    sub_id, api = _admin(world)
    assert api("POST", "/cancel", {"when": "period_end"}).status == 200
    other = ApiWorld.create(stack)
    token = other.session_token()
    before = _state(world)
    method, action, body = _requests(world)[index]
    # When another store's merchant tries
    reply = other.call(method, f"/admin/subscriptions/{sub_id}{action}", token, body)
    # Then it does not exist for them, and nothing was written
    assert (reply.status, reply.json()["error"]) == (404, "not_found")
    assert _state(world) == before


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("intruder", ["same store", "other store"])
def test_another_shopper_gets_404_on_the_scheduling_routes(
    stack: ApiStack, world: ApiWorld, index: int, intruder: str
) -> None:
    # Given a shopper's subscription with a cancel scheduled
    sub_id, api = _portal(world)
    assert api("POST", "/cancel", {"when": "period_end"}).status == 200
    # and another shopper, of the same store or of another one
    elsewhere = world if intruder == "same store" else ApiWorld.create(stack)
    customer, _ = elsewhere.subscribe()
    token = elsewhere.emulator.current_customer_jwt(elsewhere.store_hash, customer.id)
    before = _state(world)
    method, action, body = _requests(world)[index]
    # When they try
    reply = _portal_api(world, sub_id, token)(method, action, body)
    # Then it does not exist for them, and nothing was written
    assert (reply.status, reply.json()["error"]) == (404, "not_found")
    assert _state(world) == before


def test_the_openapi_document_lists_the_scheduled_cancel_route(world: ApiWorld) -> None:
    document = world.call("GET", "/admin/openapi.json", None).json()
    path = document["paths"]["/admin/subscriptions/{subscription_id}/scheduled-cancel"]
    assert "delete" in path
    cancel = document["components"]["schemas"]["CancelRequest"]["properties"]["when"]
    assert set(cancel["enum"]) == {"immediately", "period_end"}
