"""The shopper portal through API Gateway events, on the whole topology: a shopper's actions,
and a new card reaching all their subscriptions and the next renewal. The rest of the matrix
(ownership, bad tokens, refusals, rate limits, contract and fee answers) runs on the in-memory
container: `tests/api/test_portal_api.py`."""

from __future__ import annotations

import json
from typing import Any

from devstack.runtime import HttpResponse

from .world import World


def _call(
    world: World, method: str, path: str, token: str | None, body: Any = None
) -> HttpResponse:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    raw = b"" if body is None else json.dumps(body).encode()
    return world.stack.runtime.http(method, path, raw, headers)


def _subscribe(world: World) -> tuple[Any, str, str]:
    """A shopper with one subscription, and the storefront's current-customer token."""
    customer, _ = world.subscribe()
    [sub] = [s for s in world.of_kind("subscription") if s["customer_id"] == customer.id]
    token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
    return customer, str(sub["subscription_id"]), token


def test_a_shopper_pauses_resumes_skips_and_cancels(world: World) -> None:
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


def test_a_new_card_reaches_all_the_shoppers_subscriptions_and_the_next_renewal(
    world: World,
) -> None:
    # Given a shopper with two subscriptions who replaced their stored card
    customer, _ = world.subscribe()
    world.checkout(customer)
    world.stack.pump()
    new_token = world.emulator.replace_card(world.store_hash, customer.id)
    token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
    # When they choose it in the portal
    reply = _call(world, "PUT", "/portal/payment-method", token, {"instrument_token": new_token})
    # Then both subscriptions moved to it, each with its event, and the renewal is paid with it
    assert reply.status == 200 and len(reply.json()["items"]) == 2
    assert world.event_types().count("subscription.payment_method_updated") == 2
    world.renew()
    assert world.event_types().count("charge.succeeded") == 2
