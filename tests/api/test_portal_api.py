"""The shopper portal through API Gateway events: customer JWT, ownership, the same actions.
On the in-memory container; `tests/integration/test_portal_api.py` keeps a shopper's actions
and a new card reaching the next renewal on the whole topology."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.services.tenant_settings import update_tenant_config
from devstack.runtime import HttpResponse

from .world import PRODUCT_ID, ApiStack, ApiWorld


def _call(
    world: ApiWorld, method: str, path: str, token: str | None, body: Any = None
) -> HttpResponse:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    raw = b"" if body is None else json.dumps(body).encode()
    return world.stack.http(method, path, raw, headers)


def _subscribe(world: ApiWorld) -> tuple[Any, str, str]:
    """A shopper with one subscription, and the storefront's current-customer token."""
    customer, _ = world.subscribe()
    [sub] = [s for s in world.of_kind("subscription") if s["customer_id"] == customer.id]
    token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
    return customer, str(sub["subscription_id"]), token


def test_a_shopper_lists_and_views_only_their_own_subscriptions(world: ApiWorld) -> None:
    # Given two shoppers of the same store
    _, mine, token = _subscribe(world)
    _subscribe(world)
    # When
    listing = _call(world, "GET", "/portal/subscriptions", token)
    detail = _call(world, "GET", f"/portal/subscriptions/{mine}", token)
    # Then
    assert [s["id"] for s in listing.json()["items"]] == [mine]
    assert detail.status == 200
    assert detail.json()["events"][0]["type"] == "subscription.created"


def test_a_shopper_pauses_resumes_skips_and_cancels(world: ApiWorld) -> None:
    # Given
    _, sub_id, token = _subscribe(world)
    base = f"/portal/subscriptions/{sub_id}"
    # When / Then
    assert _call(world, "POST", f"{base}/pause", token).json()["status"] == "paused"
    again = _call(world, "POST", f"{base}/pause", token)
    assert (again.status, again.json()["error"]) == (409, "invalid_transition")
    assert _call(world, "POST", f"{base}/resume", token).json()["status"] == "active"
    assert _call(world, "POST", f"{base}/skip", token).status == 200
    assert _call(world, "POST", f"{base}/cancel", token, {}).json()["status"] == "cancelled"
    assert world.event_types()[-4:] == [
        "subscription.paused",
        "subscription.resumed",
        "subscription.cycle_skipped",
        "subscription.cancelled",
    ]


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("GET", "", None),
        ("POST", "/pause", None),
        ("POST", "/resume", None),
        ("POST", "/skip", None),
        ("POST", "/cancel", {}),
    ],
)
def test_another_customers_or_another_stores_subscription_is_404_and_unchanged(
    stack: ApiStack, world: ApiWorld, method: str, action: str, body: Any
) -> None:
    # Given a subscription, another shopper of the same store, and a shopper of another store
    _, sub_id, _ = _subscribe(world)
    _, _, same_store_token = _subscribe(world)
    other = ApiWorld.create(stack)
    _, _, other_store_token = _subscribe(other)
    events = world.event_types()
    for token in (same_store_token, other_store_token):
        # When
        reply = _call(world, method, f"/portal/subscriptions/{sub_id}{action}", token, body)
        # Then it does not exist for them, and nothing was written
        assert (reply.status, reply.json()["error"]) == (404, "not_found")
    assert world.event_types() == events


def test_bad_customer_tokens_are_401(world: ApiWorld) -> None:
    customer, sub_id, _ = _subscribe(world)
    emu = world.emulator
    bad = {
        "missing": None,
        "garbage": "a.b.c",
        "wrong secret": emu.current_customer_jwt(
            world.store_hash, customer.id, client_secret="nope"
        ),
        "wrong audience": emu.current_customer_jwt(
            world.store_hash, customer.id, client_id="another-app"
        ),
        "expired": emu.current_customer_jwt(world.store_hash, customer.id, lifetime_s=-120),
        "admin payload": emu.signed_payload(world.store_hash),
    }
    world.stack.emulator.create_store("notinstalled", access_token="t")
    other = world.emulator.add_customer("notinstalled", email="x@example.com")
    bad["store not installed"] = emu.current_customer_jwt("notinstalled", other.id)
    for name, token in bad.items():
        reply = _call(world, "POST", f"/portal/subscriptions/{sub_id}/pause", token)
        assert (reply.status, reply.json()["error"]) == (401, "unauthorized"), name


def test_an_instrument_that_is_not_the_shoppers_is_422_and_changes_nothing(world: ApiWorld) -> None:
    _, _, token = _subscribe(world)
    events = world.event_types()
    reply = _call(world, "PUT", "/portal/payment-method", token, {"instrument_token": "forged"})
    assert (reply.status, reply.json()["error"]) == (422, "unknown_instrument")
    reply = _call(world, "PUT", "/portal/payment-method", token, {"token": "x"})
    assert reply.status == 422
    assert sorted(f["field"] for f in reply.json()["fields"]) == ["instrument_token", "token"]
    assert world.event_types() == events


def test_unknown_portal_routes_are_404_json(world: ApiWorld) -> None:
    _, _, token = _subscribe(world)
    reply = _call(world, "GET", "/portal/elsewhere", token)
    assert (reply.status, reply.json()["error"]) == (404, "no_route")


def test_a_shopper_hammering_cancel_gets_429_with_retry_after(stack: ApiStack) -> None:
    # Given a shopper whose subscription is inside its commitment (each attempt is refused)
    world = ApiWorld.create(stack)
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    stack.put_plan(
        world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[monthly], commitment_count=6)
    )
    _, sub_id, token = _subscribe(world)
    path = f"/portal/subscriptions/{sub_id}/cancel"
    # When they try six times within the hour
    answers = [_call(world, "POST", path, token, {}) for _ in range(6)]
    # Then five get the commitment answer and the sixth is told when to come back
    assert [a.json()["error"] for a in answers] == ["cancel_locked"] * 5 + ["rate_limited"]
    assert answers[-1].status == 429
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 3600
    # and another shopper of the store is not affected
    _, other_id, other_token = _subscribe(world)
    reply = _call(world, "POST", f"/portal/subscriptions/{other_id}/cancel", other_token, {})
    assert reply.json()["error"] == "cancel_locked"


@pytest.mark.parametrize(
    ("mode", "code", "last_event"),
    [
        ("block", "contract_notice_period", "subscription.created"),
        ("route", "cancel_routed_to_legal", "subscription.cancel_routed"),
    ],
)
def test_a_shoppers_cancel_before_the_contract_notice_window_is_refused(
    world: ApiWorld, mode: str, code: str, last_event: str
) -> None:
    # Given a store whose contract ends in 60 days with 14 days' notice
    term_end = world.stack.now() + timedelta(days=60)
    guard = {
        "term_end_at": term_end.isoformat().replace("+00:00", "Z"),
        "notice_period_days": 14,
        "mode": mode,
    }
    update_tenant_config(
        container().unit_of_work(), world.store_hash, json.dumps({"contract_guard": guard})
    )
    _, sub_id, token = _subscribe(world)
    # When
    reply = _call(world, "POST", f"/portal/subscriptions/{sub_id}/cancel", token, {})
    # Then
    body = reply.json()
    opens = (term_end - timedelta(days=14)).isoformat().replace("+00:00", "Z")
    assert (reply.status, body["error"], body["window_opens_at"]) == (409, code, opens)
    assert world.event_types()[-1] == last_event
    detail = _call(world, "GET", f"/portal/subscriptions/{sub_id}", token).json()
    assert detail["subscription"]["status"] == "active"


def test_a_shopper_sees_the_early_cancel_fee_they_owe(world: ApiWorld) -> None:
    # Given a store charging 9.99 for a cancel before 6 paid cycles
    fee = {"amount": "9.99", "until_paid_cycles": 6}
    update_tenant_config(
        container().unit_of_work(), world.store_hash, json.dumps({"early_cancel_fee": fee})
    )
    _, sub_id, token = _subscribe(world)
    # When
    reply = _call(world, "POST", f"/portal/subscriptions/{sub_id}/cancel", token, {})
    # Then
    assert (reply.status, reply.json()["early_cancel_fee"]) == (200, "9.99")
    assert world.event_types()[-1] == "subscription.cancelled"
