"""Merchant-side enrollment on the services: what the first cycles of an enrolled buyer cost."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bc_subscriptions.domain.plan import Cadence, Plan, Tier
from bc_subscriptions.domain.schedule import Interval

from ..emulator_store import PRODUCT_ID
from .b2b_world import B2BWorld


def test_a_card_enrollment_charges_its_first_cycle_once_on_the_buyers_stored_card() -> None:
    # Given a company buyer with a stored card, enrolled by a rep
    world = B2BWorld.on_b2b()
    grace = world.buyer(world.company("Acme"))
    world.enroll(grace.id, payment="card", po_number=None, quantity=2)
    # When the sweep runs (the first cycle is due at once), twice
    world.sweep()
    world.work()
    world.sweep()
    world.work()
    # Then one paid order of 2 x 25.00 on the buyer's card, and the subscription renewed
    [order] = world.renewal_orders()
    [tx] = world.emulator.transactions(world.store_hash, order["id"])
    assert (tx["status"], tx["payment_instrument_token"]) == ("ok", grace.instrument_token)
    assert Decimal(order["total_inc_tax"]) == Decimal("50.00")
    [sub] = world.subscriptions()
    assert sub.paid_cycles == 1 and sub.next_cycle == 3 and sub.payment_method is not None
    assert sub.payment_method.payment_method_id  # learnt from BigCommerce at the first charge


def test_an_enrolled_quantity_in_a_volume_tier_renews_at_the_tier_price() -> None:
    # Given a plan whose tier takes 20% off from 10 units, and a PO enrollment of 10
    world = B2BWorld.on_b2b()
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    tier = Tier(min_quantity=10, discount_percent=Decimal("20"))
    world.put_plan(Plan(product_id=PRODUCT_ID, cadences=[monthly], tiers=(tier,)))
    grace = world.buyer(world.company("Acme"), card=None)
    world.enroll(grace.id, quantity=10)
    # When two cycles are invoiced
    world.sweep()
    world.work()
    world.advance_clock(timedelta(days=31))
    world.sweep()
    world.work()
    # Then each invoice is 10 x 25.00 less 20%, the same pricing a checkout's renewals get
    totals = [Decimal(o["total_inc_tax"]) for o in world.renewal_orders()]
    assert totals == [Decimal("200.00"), Decimal("200.00")]


def test_the_hierarchy_is_read_again_once_the_cache_time_has_passed() -> None:
    # Given a buyer's company moved under a new parent after the first capture
    world = B2BWorld.on_b2b(tenant={"company_cache_minutes": 5})
    acme = world.company("Acme")
    grace = world.buyer(acme, card=None)
    first = world.enroll(grace.id)
    holding = world.company("Holding")
    world.emulator.move_company(world.store_hash, acme, holding)
    # When a second enrollment comes within the cache time, and a third after it
    second = world.enroll(grace.id)
    world.advance_clock(timedelta(minutes=6))
    third = world.enroll(grace.id)
    # Then only the third sees the new parent
    parents = [s.company.parent_company_id for s in (first, second, third) if s.company]
    assert parents == [None, None, holding]
