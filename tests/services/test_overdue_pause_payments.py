"""A purchase-order subscription the store's overdue policy paused, and its company paying:
the order's move to a paid status in BigCommerce resumes it once, whatever the deliveries,
retries and crashes; any other pause stays."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bc_subscriptions.services.invoice_payments import record_invoice_paid
from bc_subscriptions.services.order_status import StatusChange, react
from bc_subscriptions.services.subscription_admin import change_subscription, pause

from .b2b_world import B2BWorld
from .crashing import CommitHook, Crash, die_after

PAID = 11  # Completed


def _po_world(terms_days: int = 30) -> B2BWorld:
    """A store that pauses on overdue invoices, and a buyer's first cycle invoiced."""
    world = B2BWorld.on_b2b(tenant={"overdue_action": "pause"})
    company = world.company("Acme Supply", payment_terms=terms_days)
    world.enroll(world.buyer(company, card=None).id)
    world.sweep()
    world.work()
    return world


def _paused_by_policy() -> tuple[B2BWorld, int]:
    """The first invoice (net 30) gone overdue, and the policy's pause."""
    world = _po_world()
    [order] = world.renewal_orders()
    world.advance_clock(timedelta(days=31))
    world.sweep()
    world.work()
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.invoice_paused) == ("paused", True)
    return world, int(order["id"])


def _resumed_reasons(world: B2BWorld) -> list[object]:
    return world.event_data_types("subscription.resumed")


def test_paying_the_overdue_invoice_resumes_it_and_the_next_cycle_is_invoiced_on_its_date() -> None:
    # Given a subscription paused by the overdue policy, left paused for two weeks more
    world, order_id = _paused_by_policy()
    world.advance_clock(timedelta(days=14))
    # When the merchant marks the invoice's order paid in BigCommerce
    assert world.mark_paid(order_id) == "invoice_paid"
    # Then it is active again, renewing next at its first cycle date still to come
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.invoice_paused) == ("active", False)
    assert sub.next_renewal_at > world.clock.now()
    assert sub.next_renewal_at - world.clock.now() <= timedelta(days=31)
    assert _resumed_reasons(world) == ["invoice_paid"]
    resumed = [e for e in world.store.events(world.store_hash) if e.type == "subscription.resumed"]
    data = json.loads(resumed[0].envelope)["data"]
    assert data["actor"]["type"] == "system"
    # and nothing is invoiced for the cycles that went by while paused
    world.sweep()
    world.work()
    assert len(world.renewal_orders()) == 1
    # When that date comes, then the next cycle is invoiced, once
    world.advance_clock(sub.next_renewal_at - world.clock.now())
    world.sweep()
    world.work()
    world.sweep()
    world.work()
    assert len(world.renewal_orders()) == 2
    [after] = world.subscriptions()
    assert after.next_cycle == sub.next_cycle + 1


def test_a_duplicate_delivery_of_the_paid_status_resumes_it_once() -> None:
    # Given the policy's pause and its invoice marked paid
    world, order_id = _paused_by_policy()
    assert world.mark_paid(order_id) == "invoice_paid"
    # When BigCommerce delivers the change again, and then another move to a paid status
    assert world.mark_paid(order_id) == "ignored"
    world.emulator.set_order_status(world.store_hash, order_id, 10)
    change = StatusChange(world.store_hash, order_id, PAID, 10)
    assert react(change, [record_invoice_paid(world.uow, world.bc, world.clock)]) == "ignored"
    # Then one payment and one resume
    types = world.event_types()
    assert (types.count("invoice.paid"), types.count("subscription.resumed")) == (1, 1)


def test_a_crash_after_the_payment_was_committed_resumes_it_once_when_retried() -> None:
    # Given the policy's pause, and a worker that dies right after its commit
    world, order_id = _paused_by_policy()
    previous = int(world.emulator.stores[world.store_hash].orders[order_id]["status_id"])
    world.emulator.set_order_status(world.store_hash, order_id, PAID)
    change = StatusChange(world.store_hash, order_id, previous, PAID)
    dying = record_invoice_paid(
        lambda: CommitHook(world.uow(), die_after(1)), world.bc, world.clock
    )
    # When the delivery fails there and is retried
    with pytest.raises(Crash):
        dying(change)
    assert react(change, [record_invoice_paid(world.uow, world.bc, world.clock)]) == "ignored"
    # Then the commit stood: paid and resumed, once
    [sub] = world.subscriptions()
    assert sub.status.value == "active"
    types = world.event_types()
    assert (types.count("invoice.paid"), types.count("subscription.resumed")) == (1, 1)


def test_a_delivery_that_finds_the_order_no_longer_paid_resumes_nothing() -> None:
    # Given the policy's pause, and a late delivery of a paid status since undone
    world, order_id = _paused_by_policy()
    change = StatusChange(world.store_hash, order_id, 7, PAID)
    # When it arrives, BigCommerce still saying Awaiting Payment
    assert react(change, [record_invoice_paid(world.uow, world.bc, world.clock)]) == "ignored"
    # Then it stays paused
    [sub] = world.subscriptions()
    assert sub.status.value == "paused" and _resumed_reasons(world) == []


def test_a_pause_the_merchant_made_stays_when_the_overdue_invoice_is_paid() -> None:
    # Given a store that pauses on overdue invoices, and a merchant who paused the
    # subscription by hand before its invoice went overdue
    world = _po_world()
    [order] = world.renewal_orders()
    [sub] = world.subscriptions()
    change_subscription(
        world.store_hash,
        sub.id,
        pause(world.clock.now(), None),
        uow_factory=world.uow,
        now=world.clock.now(),
        customer_id=None,
    )
    world.advance_clock(timedelta(days=31))
    world.sweep()
    world.work()
    assert world.event_types().count("invoice.overdue") == 1
    # When the invoice is paid
    assert world.mark_paid(order["id"]) == "invoice_paid"
    # Then the merchant's pause stays
    [after] = world.subscriptions()
    assert (after.status.value, after.invoice_paused) == ("paused", False)
    assert world.event_data_types("subscription.paused") == ["requested"]
    assert _resumed_reasons(world) == []


def test_it_stays_paused_while_another_invoice_is_overdue_and_resumes_with_the_last() -> None:
    # Given net 45 on a monthly subscription: cycles 2 and 3 invoiced, both left unpaid
    world = _po_world(terms_days=45)
    world.renew()
    first, second = (int(o["id"]) for o in world.renewal_orders())
    # and both go overdue, the first pausing it under the policy (days 46 and 77)
    for days in (15, 31):
        world.advance_clock(timedelta(days=days))
        world.sweep()
        world.work()
    [sub] = world.subscriptions()
    assert sub.status.value == "paused"
    assert [(i.order_id, i.overdue) for i in sub.open_invoices] == [(first, True), (second, True)]
    # When the first is paid, then it stays paused
    assert world.mark_paid(first) == "invoice_paid"
    assert world.subscriptions()[0].status.value == "paused"
    # When the second is paid, then it resumes
    assert world.mark_paid(second) == "invoice_paid"
    assert world.subscriptions()[0].status.value == "active"
    assert _resumed_reasons(world) == ["invoice_paid"]
