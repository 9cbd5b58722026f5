"""Company buyers in the portal on the whole topology: a junior buyer's checkout, their cancel
request and its approval by the company's admin, through the portal function, DynamoDB on moto
and the emulator's B2B Edition API (the API tests hold the matrices; this proves the wiring)."""

from __future__ import annotations

import json
from typing import Any

from bc_subscriptions.bootstrap import container
from devstack.runtime import HttpResponse

from .world import World


def _portal(world: World, method: str, path: str, token: str, body: Any = None) -> HttpResponse:
    headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
    raw = b"" if body is None else json.dumps(body).encode()
    return world.stack.runtime.http(method, f"/portal/subscriptions{path}", raw, headers)


def _buyer_token(world: World, company_id: int, role: int) -> tuple[Any, str]:
    customer = world.shopper("ok")
    world.emulator.add_buyer(world.store_hash, company_id, customer.id, role=role)
    return customer, str(world.emulator.current_customer_jwt(world.store_hash, customer.id))


def test_a_junior_buyers_cancel_approved_by_the_company_admin_cancels_in_dynamodb(
    world: World,
) -> None:
    # Given a store on B2B Edition, a junior buyer's checkout filed under their company
    world.emulator.enable_b2b(world.store_hash, default_payment_terms=30)
    with container().unit_of_work() as uow:
        uow.tenant_configs.put(world.store_hash, {"b2b": {}})
        uow.commit()
    acme = world.emulator.add_company(world.store_hash, "Acme")
    junior, junior_token = _buyer_token(world, acme, 2)
    _, admin_token = _buyer_token(world, acme, 0)
    world.checkout(junior)
    world.stack.pump()
    [sub] = world.of_kind("subscription")
    sub_id = str(sub["subscription_id"])
    # When the company's admin lists, the subscription is there as the company's
    listed = _portal(world, "GET", "", admin_token)
    assert listed.status == 200, listed.body
    [item] = [i for i in listed.json()["items"] if i["id"] == sub_id]
    assert (item["company"]["company_id"], item["effective_role"]) == (acme, "org_admin")
    # And the junior buyer's cancel waits until the admin approves it
    submitted = _portal(world, "POST", f"/{sub_id}/cancel", junior_token, {})
    assert submitted.status == 202, submitted.body
    request_id = submitted.json()["change_request"]["id"]
    approve = f"/{sub_id}/change-requests/{request_id}/approve"
    reply = _portal(world, "POST", approve, admin_token, {"reason": "closing the account"})
    # Then the request applied and the record in DynamoDB is cancelled
    assert reply.status == 200, reply.body
    assert reply.json()["status"] == "applied"
    [stored] = world.of_kind("subscription")
    assert json.loads(stored["doc"])["status"] == "cancelled"
