"""Pause until a date and cancel at period end through the admin and portal APIs, on the whole
topology (the session from `/load`, subscriptions from BigCommerce's order webhook, moto).

The matrix of answers, 422 and 409 codes and ownership runs one layer down, on the in-memory
container: `tests/api/test_scheduled_changes_api.py`. These scenarios stay here so the
routes are seen end to end as well."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.tenant_settings import update_tenant_config
from devstack.runtime import HttpResponse

from .admin_api_client import call, session_token
from .world import World

# An API as a caller sees it: (method, path under /subscriptions/<id>, body) -> answer.
Api = Callable[[str, str, Any], HttpResponse]


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _admin(world: World) -> tuple[str, Api]:
    """A subscription of the store and its merchant's API."""
    customer, _ = world.subscribe()
    [sub] = [s for s in world.of_kind("subscription") if s["customer_id"] == customer.id]
    sub_id, token = str(sub["subscription_id"]), session_token(world)

    def api(method: str, action: str, body: Any = None) -> HttpResponse:
        return call(world, method, f"/admin/subscriptions/{sub_id}{action}", token, body)

    return sub_id, api


def _portal(world: World) -> tuple[str, Api]:
    """A shopper's subscription and the shopper's portal API."""
    customer, _ = world.subscribe()
    [sub] = [s for s in world.of_kind("subscription") if s["customer_id"] == customer.id]
    sub_id = str(sub["subscription_id"])
    token = world.emulator.current_customer_jwt(world.store_hash, customer.id)
    return sub_id, _portal_api(world, sub_id, token)


def _portal_api(world: World, sub_id: str, token: str) -> Api:
    def api(method: str, action: str, body: Any = None) -> HttpResponse:
        headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
        raw = b"" if body is None else json.dumps(body).encode()
        return world.stack.runtime.http(
            method, f"/portal/subscriptions/{sub_id}{action}", raw, headers
        )

    return api


APIS = {"admin": _admin, "portal": _portal}


def _data(world: World, type_: str) -> dict[str, Any]:
    found = [e for e in world.of_kind("event") if e["type"] == type_]
    return dict(json.loads(found[-1]["envelope"])["data"])


@pytest.mark.parametrize("side", APIS)
def test_pause_until_a_date_stores_it_and_says_so(world: World, side: str) -> None:
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
def test_cancel_at_period_end_schedules_it_at_the_next_renewal(world: World, side: str) -> None:
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
    [ticket] = [i for i in world.of_kind("ops_event") if i["type"].endswith("cancel_requested")]
    assert json.loads(ticket["data"]) == {
        "subscription_id": sub_id,
        "customer_id": body["customer_id"],
        "actor": "merchant" if side == "admin" else "shopper",
        "when": "period_end",
        "cancel_at": renewal,
    }
    assert [i for i in world.of_kind("ops_event") if i["type"].endswith("fee_owed")]
    assert world.renewal_orders() == []
