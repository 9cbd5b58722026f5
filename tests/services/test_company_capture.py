"""Checkout capture of a B2B buyer's order: the subscription belongs to the buyer's company."""

from __future__ import annotations

import pytest

from bc_subscriptions.domain.company import CompanyMembership
from bc_subscriptions.ports.bigcommerce import BigCommerceError

from .b2b_world import B2BWorld


def test_a_company_buyers_checkout_makes_a_subscription_of_their_company_with_its_parent() -> None:
    # Given a buyer of a subsidiary on a store with B2B Edition
    world = B2BWorld.on_b2b()
    parent = world.company("Holding")
    child = world.company("Branch", parent=parent)
    buyer = world.buyer(child)
    # When their checkout is captured
    result = world.capture(world.checkout(buyer)["id"])
    # Then the subscription names the company and its parent, and the index lists it
    [sub] = world.subscriptions()
    assert sub.company == CompanyMembership(company_id=child, parent_company_id=parent)
    assert [s.id for s in world.companies.of_company(world.store_hash, child)] == list(
        result.subscription_ids
    )


def test_a_shopper_who_buys_for_no_company_gets_a_personal_subscription() -> None:
    world = B2BWorld.on_b2b()
    shopper = world.shopper()
    world.capture(world.checkout(shopper)["id"])
    [sub] = world.subscriptions()
    assert sub.company is None


def test_a_store_without_b2b_edition_captures_as_before_and_never_calls_b2b_edition() -> None:
    # Given a store that is not on B2B Edition (no tenant setting), a directory at hand
    world = B2BWorld.create()
    shopper = world.shopper()
    # When a checkout is captured
    world.emulator.reset_calls()
    world.capture(world.checkout(shopper)["id"])
    # Then the subscription is personal and B2B Edition was never asked
    [sub] = world.subscriptions()
    assert sub.company is None
    assert world.b2b_calls() == []


def test_a_store_set_up_for_b2b_that_lacks_b2b_edition_still_captures() -> None:
    # Given the tenant setting but no B2B Edition installed on the store
    world = B2BWorld.create()
    with world.uow() as uow:
        uow.tenant_configs.put(world.store_hash, {"b2b": {}})
        uow.commit()
    # When a checkout is captured, then it is personal (B2B Edition refused the store)
    world.capture(world.checkout(world.shopper())["id"])
    [sub] = world.subscriptions()
    assert sub.company is None


def test_the_buyer_and_hierarchy_are_read_once_within_the_cache_time_and_again_after_refresh() -> (
    None
):
    # Given two checkouts by one company buyer
    world = B2BWorld.on_b2b(tenant={"company_cache_minutes": 15})
    buyer = world.buyer(world.company("Acme"))
    world.emulator.reset_calls()
    world.capture(world.checkout(buyer)["id"])
    world.capture(world.checkout(buyer)["id"])
    # Then B2B Edition was asked once for the buyer and once for the hierarchy
    assert len(world.b2b_calls()) == 2
    # When the store's cache is refreshed, the next capture asks again
    world.directory.refresh(world.store_hash)
    world.capture(world.checkout(buyer)["id"])
    assert len(world.b2b_calls()) == 4


def test_a_capture_waits_for_b2b_edition_rather_than_filing_a_buyer_as_personal() -> None:
    # Given B2B Edition failing every attempt at the buyer look-up
    world = B2BWorld.on_b2b()
    buyer = world.buyer(world.company("Acme"))
    order = world.checkout(buyer)
    world.emulator.faults.inject("GET", "/api/v3/io/users/customer/*", "5xx_before", times=3)
    # When the capture runs, then it fails (the delivery is retried) and writes nothing
    with pytest.raises(BigCommerceError):
        world.capture(order["id"])
    assert world.subscriptions() == []
    # When it is retried once B2B Edition answers, the subscription is the company's
    world.capture(order["id"])
    [sub] = world.subscriptions()
    assert sub.company is not None
