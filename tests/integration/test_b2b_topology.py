"""B2B Edition on the whole topology: webhooks, handlers, queues, DynamoDB on moto, the
emulator's B2B Edition API. The service tests hold the matrices; these prove the wiring."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from .admin_api_client import call, session_token
from .world import PRODUCT_ID, World

ADDRESS = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "street_1": "1 Harbor Rd",
    "city": "Arlington",
    "zip": "22201",
    "country_iso2": "US",
}


def _on_b2b(world: World, token: str, **policy: Any) -> None:
    world.emulator.enable_b2b(world.store_hash, default_payment_terms=30)
    reply = call(world, "PUT", "/admin/config", token, {"b2b": policy})
    assert reply.status == 200, reply.body


def _buyer(world: World, company_id: int, card: str | None = "ok") -> Any:
    customer = world.shopper(card)
    world.emulator.add_buyer(world.store_hash, company_id, customer.id)
    return customer


def _sweep(world: World) -> None:
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()


def test_a_company_buyers_checkout_is_filed_under_their_company_in_dynamodb(world: World) -> None:
    # Given a store on B2B Edition and a buyer of a subsidiary
    token = session_token(world)
    _on_b2b(world, token)
    parent = world.emulator.add_company(world.store_hash, "Holding")
    child = world.emulator.add_company(world.store_hash, "Branch", parent_id=parent)
    buyer = _buyer(world, child)
    # When they check out and BigCommerce's webhook is delivered
    world.checkout(buyer)
    world.stack.pump()
    # Then the record names the company and its parent, and the company index holds it
    [sub] = world.of_kind("subscription")
    assert json.loads(sub["doc"])["company"] == {"company_id": child, "parent_company_id": parent}
    [link] = world.of_kind("company_link")
    assert (int(link["company_id"]), link["subscription_id"]) == (child, sub["subscription_id"])
    mrr = call(world, "GET", f"/admin/companies/{parent}/mrr", token)
    assert mrr.status == 200 and mrr.json()["total_mrr"] == {"USD": "50.00"}


def test_a_purchase_order_enrollment_is_invoiced_goes_overdue_and_is_marked_paid(
    world: World,
) -> None:
    # Given a buyer enrolled on purchase order by a rep, net 30
    token = session_token(world)
    _on_b2b(world, token)
    acme = world.emulator.add_company(world.store_hash, "Acme", payment_terms=30)
    buyer = _buyer(world, acme, card=None)
    body = {
        "customer_id": buyer.id,
        "product_id": PRODUCT_ID,
        "quantity": 2,
        "cadence": "Monthly",
        "payment": "purchase_order",
        "po_number": "PO-42",
        "billing_address": ADDRESS,
    }
    reply = call(world, "POST", "/admin/enrollments", token, body)
    assert reply.status == 200, reply.body
    world.emulator.reset_calls()
    # When the sweep runs, then the first cycle's order is placed unpaid, with no payment call
    _sweep(world)
    [order] = world.renewal_orders()
    assert (order["status_id"], order["payment_method"]) == (7, "Purchase Order")
    assert not [c for c in world.emulator.calls if "/payments" in c[1]]
    # When it stays unpaid past its terms, then it is raised to the operator once
    world.stack.advance_clock(timedelta(days=31))
    _sweep(world)
    _sweep(world)
    assert world.event_types().count("invoice.overdue") == 1
    raised = [e for e in world.of_kind("ops_event") if e["type"] == "invoice_overdue"]
    assert [json.loads(e["data"])["order_id"] for e in raised] == [order["id"]]
    # When the merchant marks it paid in BigCommerce, statusUpdated records it
    world.emulator.set_order_status(world.store_hash, order["id"], 11)
    world.stack.pump()
    assert world.event_types().count("invoice.paid") == 1
    # and only the next cycle's invoice (issued meanwhile) is still open
    [sub] = world.of_kind("subscription")
    doc = json.loads(sub["doc"])
    assert [i["order_id"] for i in doc.get("open_invoices", [])] == [
        o["id"] for o in world.renewal_orders() if o["id"] != order["id"]
    ]


def test_a_subscription_the_overdue_policy_paused_resumes_when_its_invoice_is_marked_paid(
    world: World,
) -> None:
    # Given a store that pauses on overdue invoices, and a buyer's first invoice overdue
    token = session_token(world)
    _on_b2b(world, token, overdue_action="pause")
    acme = world.emulator.add_company(world.store_hash, "Acme", payment_terms=30)
    buyer = _buyer(world, acme, card=None)
    body = {
        "customer_id": buyer.id,
        "product_id": PRODUCT_ID,
        "quantity": 2,
        "cadence": "Monthly",
        "payment": "purchase_order",
        "po_number": "PO-42",
        "billing_address": ADDRESS,
    }
    assert call(world, "POST", "/admin/enrollments", token, body).status == 200
    _sweep(world)
    [order] = world.renewal_orders()
    world.stack.advance_clock(timedelta(days=31))
    _sweep(world)
    [paused] = world.of_kind("subscription")
    assert json.loads(paused["doc"])["invoice_paused"] is True
    # When the merchant marks it paid in BigCommerce
    world.emulator.set_order_status(world.store_hash, order["id"], 11)
    world.stack.pump()
    # Then statusUpdated resumes it, once, and the stored record no longer marks the pause
    [sub] = world.of_kind("subscription")
    doc = json.loads(sub["doc"])
    assert doc["status"] == "active" and "invoice_paused" not in doc
    types = world.event_types()
    assert (types.count("invoice.paid"), types.count("subscription.resumed")) == (1, 1)
