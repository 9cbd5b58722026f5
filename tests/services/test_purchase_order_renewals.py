"""Purchase-order renewals: each cycle's order is placed unpaid as the invoice, never charged,
never in dunning, exactly once per cycle under faults; overdue invoices follow the store's B2B
policy and the merchant marking one paid is recorded."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources

import pytest
from jsonschema import Draft202012Validator

from bc_subscriptions.services.delivery_locations import add_location
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_invoice import AWAITING_PAYMENT, INVOICE_OVERDUE_OPS
from bc_subscriptions.services.renewal_workflow import run_renewal

from .b2b_world import ADDRESS, B2BWorld
from .crashing import KINDS, CommitHook, Crash, CrashAfterCall, die_after

# claim, priced, order attempted, order created, completed (no payment stages).
INVOICED_COMMITS = 5


def _po_world(**tenant: object) -> tuple[B2BWorld, int]:
    world = B2BWorld.on_b2b(tenant=dict(tenant))
    company = world.company("Acme Supply", payment_terms=30)
    buyer = world.buyer(company, card=None)
    world.enroll(buyer.id)
    return world, company


def _due(world: B2BWorld) -> RenewSubscription:
    [sub] = world.subscriptions()
    return RenewSubscription(store_hash=world.store_hash, subscription_id=sub.id, cycle=2)


def _resweep(world: B2BWorld, rounds: int = 2) -> None:
    for _ in range(rounds):
        world.advance_clock(timedelta(minutes=10))
        world.sweep()
        world.work()


def _assert_one_invoice(world: B2BWorld) -> None:
    [order] = world.renewal_orders()
    assert order["status_id"] == AWAITING_PAYMENT and order["payment_method"] == "Purchase Order"
    assert world.emulator.transactions(world.store_hash, order["id"]) == []
    [sub] = world.subscriptions()
    assert sub.status.value == "active" and sub.next_cycle == 3 and sub.dunning is None
    types = world.event_types()
    for once in ("charge.stage.order_created", "invoice.issued", "subscription.renewed"):
        assert types.count(once) == 1, (once, types)
    assert "charge.failed" not in types


def test_a_po_subscription_renews_three_cycles_into_three_unpaid_orders_and_no_payment_call() -> (
    None
):
    # Given a buyer enrolled on purchase order, net 30
    world, _ = _po_world()
    world.emulator.reset_calls()
    # When three cycles come and go (the sweep runs each time, the invoices stay unpaid)
    world.sweep()
    world.work()
    for _ in range(2):
        world.renew()
    # Then three Awaiting Payment orders, each marked with the PO and its due date
    orders = world.renewal_orders()
    assert [o["status_id"] for o in orders] == [AWAITING_PAYMENT] * 3
    for order in orders:
        assert "PO PO-7781" in order["customer_message"] and "due 20" in order["customer_message"]
        assert world.emulator.transactions(world.store_hash, order["id"]) == []
    # and not a single call to the Payments API or the payment token endpoint
    assert world.payment_calls() == []
    [sub] = world.subscriptions()
    assert sub.paid_cycles == 3 and sub.next_cycle == 5 and sub.dunning is None
    assert world.event_types().count("invoice.issued") == 3


def test_the_first_invoice_left_unpaid_past_its_terms_goes_overdue_into_the_ops_queue_once() -> (
    None
):
    # Given the first cycle invoiced on net 30
    world, _ = _po_world()
    world.sweep()
    world.work()
    [first] = world.renewal_orders()
    # When 31 days pass unpaid (and the sweep runs twice more)
    world.advance_clock(timedelta(days=31))
    for _ in range(2):
        world.sweep()
        world.work()
    # Then one invoice.overdue event and one ops item name the order; renewing goes on
    assert world.event_types().count("invoice.overdue") == 1
    [item] = [e for e in world.ops.recorded if e.type == INVOICE_OVERDUE_OPS]
    assert item.data["order_id"] == first["id"] and item.data["action"] == "keep_renewing"
    assert len(world.renewal_orders()) == 2


def test_a_store_that_holds_on_overdue_invoices_issues_no_new_one_until_it_is_paid() -> None:
    # Given the hold policy and the first invoice overdue
    world, _ = _po_world(overdue_action="hold")
    world.sweep()
    world.work()
    [first] = world.renewal_orders()
    world.advance_clock(timedelta(days=31))
    world.sweep()
    world.work()
    world.renew()
    # Then no second invoice while it is overdue
    assert len(world.renewal_orders()) == 1
    [sub] = world.subscriptions()
    assert sub.invoice_hold and sub.status.value == "active"
    # When the merchant marks it paid, the hold lifts and the next sweep invoices again
    assert world.mark_paid(first["id"]) == "invoice_paid"
    world.sweep()
    world.work()
    assert len(world.renewal_orders()) == 2


def test_a_store_that_pauses_on_overdue_invoices_pauses_the_subscription() -> None:
    world, _ = _po_world(overdue_action="pause")
    world.sweep()
    world.work()
    world.advance_clock(timedelta(days=31))
    world.sweep()
    world.work()
    [sub] = world.subscriptions()
    assert sub.status.value == "paused"
    assert world.event_data_types("subscription.paused") == ["invoice_overdue"]


def test_the_merchant_marking_an_invoice_paid_is_recorded_once() -> None:
    # Given an open invoice
    world, _ = _po_world()
    world.sweep()
    world.work()
    [order] = world.renewal_orders()
    # When the merchant marks it paid, and BigCommerce sends the change again
    assert world.mark_paid(order["id"]) == "invoice_paid"
    world.emulator.set_order_status(world.store_hash, order["id"], 10)
    # Then one invoice.paid and the invoice is closed
    assert world.mark_paid(order["id"]) == "ignored"
    assert world.event_types().count("invoice.paid") == 1
    [sub] = world.subscriptions()
    assert sub.open_invoices == ()


def test_a_happy_invoiced_renewal_commits_once_per_stage() -> None:
    world, _ = _po_world()
    cmd = _due(world)
    uow = CommitHook(world.uow(), lambda n: None)
    assert run_renewal(cmd, world.deps("w", uow=uow)).outcome == "invoiced"
    assert uow.commits == INVOICED_COMMITS
    _assert_one_invoice(world)


@pytest.mark.parametrize("crash_after", range(1, INVOICED_COMMITS + 1))
def test_a_worker_crashing_after_any_recorded_stage_still_makes_one_invoice(
    crash_after: int,
) -> None:
    # Given a worker that dies right after its n-th commit
    world, _ = _po_world()
    cmd = _due(world)
    # When it runs, then the cycle is swept again
    with pytest.raises(Crash):
        run_renewal(cmd, world.deps("dying", uow=CommitHook(world.uow(), die_after(crash_after))))
    _resweep(world)
    # Then
    _assert_one_invoice(world)


@pytest.mark.parametrize("call", ["create_order", "tag_order"])
def test_a_worker_crashing_after_a_call_was_applied_still_makes_one_invoice(call: str) -> None:
    world, _ = _po_world()
    cmd = _due(world)
    with pytest.raises(Crash):
        run_renewal(cmd, world.deps("dying", bc=CrashAfterCall(world.bc, call)))
    _resweep(world)
    _assert_one_invoice(world)


@pytest.mark.parametrize("kind", KINDS)
def test_a_fault_on_the_invoice_order_still_ends_with_one_invoice(kind: str) -> None:
    # Given the order call fails in any way, and so does the read that resolves it
    world, _ = _po_world()
    world.emulator.faults.inject("POST", "/stores/*/v2/orders", kind, times=1)
    world.emulator.faults.inject("GET", "/stores/*/v2/orders", kind, times=1)
    # When the cycle is worked and swept again
    world.sweep()
    world.work()
    _resweep(world)
    # Then
    _assert_one_invoice(world)
    assert world.payment_calls() == []


def test_every_event_of_a_po_subscriptions_life_matches_its_schema() -> None:
    # Given an enrollment invoiced, overdue, paused by the store's policy and paid
    world, _ = _po_world(overdue_action="pause")
    world.sweep()
    world.work()
    [order] = world.renewal_orders()
    world.advance_clock(timedelta(days=31))
    world.sweep()
    world.work()
    world.mark_paid(order["id"])
    # When each event merchants would receive is checked against its schema
    events = world.store.events(world.store_hash)
    types = {e.type for e in events}
    # Then every one validates
    assert {"invoice.issued", "invoice.overdue", "invoice.paid", "subscription.paused"} <= types
    for event in events:
        envelope = json.loads(event.envelope)
        text = resources.files("bc_subscriptions.schemas").joinpath(f"{event.type}.json")
        schema = json.loads(text.read_text())
        errors = list(Draft202012Validator(schema).iter_errors(envelope))
        assert errors == [], (event.type, [e.message for e in errors])


def test_a_three_location_po_subscription_invoices_each_location_once_and_pays_nothing() -> None:
    # Given a purchase-order subscription delivering to three of the company's addresses
    world, _ = _po_world()
    [sub] = world.subscriptions()
    for street in ("1 North Dock", "2 South Dock", "3 East Dock"):
        add_location(
            world.store_hash,
            sub.id,
            {"address": {**ADDRESS, "street_1": street, "shipping_method": "Freight"}},
            uow=world.uow(),
            now=world.clock.now(),
        )
    world.emulator.reset_calls()
    # When the cycle renews, its message delivered twice
    world.sweep()
    world.work()
    run_renewal(_due(world), world.deps("late"))
    # Then three Awaiting Payment orders, one per location, and not one payment call
    orders = world.renewal_orders()
    shipping = world.emulator.stores[world.store_hash].shipping
    streets = sorted(shipping[o["id"]][0]["street_1"] for o in orders)
    assert streets == ["1 North Dock", "2 South Dock", "3 East Dock"]
    assert [o["status_id"] for o in orders] == [AWAITING_PAYMENT] * 3
    assert world.payment_calls() == []
    # and three invoices (each naming its location) for one renewed cycle
    issued = [e for e in world.store.events(world.store_hash) if e.type == "invoice.issued"]
    data = [json.loads(e.envelope)["data"] for e in issued]
    assert sorted(d["order_id"] for d in data) == sorted(o["id"] for o in orders)
    assert len({d["location_id"] for d in data}) == 3
    assert world.event_types().count("subscription.renewed") == 1
    [after] = world.subscriptions()
    assert len(after.open_invoices) == 3 and after.next_cycle == 3 and after.dunning is None
    # When the merchant marks one location's order paid
    world.mark_paid(orders[0]["id"])
    # Then only that invoice closes
    [paid] = world.subscriptions()
    assert sorted(i.order_id for i in paid.open_invoices) == sorted(o["id"] for o in orders[1:])
