"""Renewal variants wired through the sweep and the worker: trial, fixed length, commitment,
skip, discounts and tiers, and verification of a card that has not been proven for too long."""

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.plan import Cadence, Plan, Tier
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.domain.subscription_cancels import CommitmentNotMet, cancel
from bc_subscriptions.services.tenant_settings import update_tenant_config

from .world import PRODUCT_ID, World


def _plan(world: World, **terms: Any) -> None:
    cadence = terms.pop("cadence", Cadence(label="Monthly", interval=Interval.MONTH))
    world.stack.put_plan(world.store_hash, Plan(product_id=PRODUCT_ID, cadences=[cadence], **terms))


def _sub(world: World) -> dict[str, Any]:
    [sub] = world.of_kind("subscription")
    return sub


def _change(world: World, change: Callable[[Subscription, datetime], None]) -> None:
    with container().unit_of_work() as uow:
        sub = uow.subscriptions.get(world.store_hash, str(_sub(world)["subscription_id"]))
        assert sub is not None
        change(sub, world.stack.now())
        uow.subscriptions.save(sub)
        uow.commit()


def test_a_trial_ends_in_the_first_paid_cycle(world: World) -> None:
    # Given a plan with a 14-day trial
    _plan(world, trial_days=14)
    world.subscribe()
    assert _sub(world)["status"] == "trialing"
    # When the trial ends
    world.stack.advance_clock(timedelta(days=14, minutes=1))
    world.stack.fire("RenewalSweepFunction")
    world.stack.pump()
    # Then cycle 2 is charged and the subscription is active, one paid cycle counted
    [order] = world.renewal_orders()
    assert order["external_order_id"].endswith("-c2") and order["status_id"] == 11
    sub = _sub(world)
    assert sub["status"] == "active" and json.loads(sub["doc"])["paid_cycles"] == 1


def test_a_fixed_length_subscription_expires_after_its_last_paid_cycle(world: World) -> None:
    # Given a plan of two cycles: the checkout and one renewal
    _plan(world, max_cycles=2)
    world.subscribe()
    # When three months pass
    world.renew()
    world.renew()
    world.renew()
    # Then exactly one renewal order, and the subscription expired and is no longer swept
    assert len(world.renewal_orders()) == 1
    sub = _sub(world)
    assert sub["status"] == "expired" and "due_pk" not in sub
    assert world.event_types()[-1] == "subscription.expired"


def test_a_commitment_counts_paid_cycles_before_the_shopper_may_cancel(world: World) -> None:
    # Given a plan committing to three paid cycles
    _plan(world, commitment_count=3)
    world.subscribe()
    # When / Then after the checkout (one paid cycle) the shopper may not cancel
    with pytest.raises(CommitmentNotMet):
        _change(world, cancel)
    world.renew()
    with pytest.raises(CommitmentNotMet):
        _change(world, cancel)
    # And after the second renewal (three paid) they may
    world.renew()
    _change(world, cancel)
    assert _sub(world)["status"] == "cancelled"
    assert json.loads(_sub(world)["doc"])["paid_cycles"] == 3


def test_a_skipped_cycle_is_neither_ordered_nor_charged(world: World) -> None:
    # Given
    world.subscribe()
    _change(world, Subscription.skip_next_cycle)
    # When the skipped month passes, and then the next
    world.renew()
    assert world.renewal_orders() == []
    world.renew()
    # Then the next cycle renews as usual
    [order] = world.renewal_orders()
    assert order["external_order_id"].endswith("-c3")
    assert "subscription.cycle_skipped" in world.event_types()


def test_the_cadence_discount_and_volume_tier_price_the_renewal_order(world: World) -> None:
    # Given 10% off for the cadence and 5% from two units (the shopper bought two at 25.00)
    _plan(
        world,
        cadence=Cadence(label="Monthly", interval=Interval.MONTH, discount_percent=Decimal("10")),
        tiers=(Tier(min_quantity=2, discount_percent=Decimal("5")),),
    )
    world.subscribe()
    # When
    world.renew()
    # Then 25.00 x 0.90 x 0.95 = 21.375 -> 21.38 a unit, 42.76 charged, which BigCommerce accepts
    [order] = world.renewal_orders()
    assert Decimal(order["total_inc_tax"]) == Decimal("42.76")
    [tx] = world.emulator.transactions(world.store_hash, order["id"])
    assert tx["status"] == "ok" and Decimal(str(tx["amount"])) == Decimal("42.76")


def _instrument_lookups(world: World) -> int:
    return sum(path.endswith("/stored-instruments") for _, path in world.emulator.calls)


def test_a_card_not_proven_for_too_long_is_verified_before_it_is_charged(world: World) -> None:
    # Given a store that wants cards re-verified after 20 days
    update_tenant_config(container().unit_of_work(), world.store_hash, '{"nti_freshness_days": 20}')
    world.subscribe()
    world.emulator.reset_calls()
    # When the renewal comes a month later
    world.renew()
    # Then the card was looked up first, then charged; the payment proves it again
    assert _instrument_lookups(world) == 1
    [order] = world.renewal_orders()
    assert order["status_id"] == 11
    doc = json.loads(_sub(world)["doc"])
    assert doc["payment_method"]["verified_at"].startswith(world.stack.now().date().isoformat())


def test_a_card_that_fails_verification_goes_to_dunning_without_a_charge(world: World) -> None:
    # Given a store that re-verifies after 20 days, and a card that has since expired
    update_tenant_config(container().unit_of_work(), world.store_hash, '{"nti_freshness_days": 20}')
    customer, _ = world.subscribe()
    world.emulator.set_card_behavior(world.store_hash, customer.instrument_token, "expired")
    # When
    world.renew()
    # Then no payment was attempted; the shopper is asked for a new card
    [order] = world.renewal_orders()
    assert world.emulator.transactions(world.store_hash, order["id"]) == []
    assert _sub(world)["status"] == "requires_action"
    assert "payment_method.required" in world.event_types()


def test_a_fresh_card_is_charged_without_a_lookup(world: World) -> None:
    # Given / When the default freshness (365 days) and a monthly renewal
    world.subscribe()
    world.emulator.reset_calls()
    world.renew()
    # Then
    assert _instrument_lookups(world) == 0
    assert len(world.renewal_orders()) == 1


def _deliveries(world: World) -> dict[int, dict[str, Any]]:
    return {int(d["cycle"]): json.loads(d["doc"]) for d in world.of_kind("delivery")}


def test_a_prepaid_plan_charges_once_per_billing_period_and_ships_every_cycle(
    world: World,
) -> None:
    # Given a plan where one payment covers three deliveries (the checkout paid cycles 1-3)
    _plan(world, billing_period_count=3)
    world.subscribe()
    # When cycles 2 and 3 come
    world.renew()
    world.renew()
    # Then each got a zero-priced fulfilment order and no payment
    orders = world.renewal_orders()
    assert [o["external_order_id"][-3:] for o in orders] == ["-c2", "-c3"]
    for order in orders:
        assert Decimal(order["total_inc_tax"]) == 0 and order["status_id"] == 11
        assert world.emulator.transactions(world.store_hash, order["id"]) == []
    # And delivery instances exist two cycles ahead, each knowing which charge paid for it
    deliveries = _deliveries(world)
    assert sorted(deliveries) == [2, 3, 4, 5]
    assert [deliveries[c]["charge_cycle"] for c in (2, 3, 4, 5)] == [1, 1, 4, 4]
    assert deliveries[2]["order_id"] == orders[0]["id"] and deliveries[5]["order_id"] is None
    assert "charge.succeeded" not in world.event_types()
    # When cycle 4 comes, it is charged at the locked price again
    world.renew()
    paid = world.renewal_orders()[-1]
    assert paid["external_order_id"].endswith("-c4") and Decimal(paid["total_inc_tax"]) == 50
    [tx] = world.emulator.transactions(world.store_hash, paid["id"])
    assert tx["status"] == "ok"
    assert sorted(_deliveries(world)) == [2, 3, 4, 5, 6]
    assert json.loads(_sub(world)["doc"])["paid_cycles"] == 4
