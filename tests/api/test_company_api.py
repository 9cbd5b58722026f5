"""The merchant's B2B Edition routes: enrolling a company buyer, and a company's MRR."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.plan import Cadence, Plan, Tier
from bc_subscriptions.domain.schedule import Interval

from .b2b import ADDRESS, buyer, company, enrollment, on_b2b
from .world import PRICE, PRODUCT_ID, ApiStack, ApiWorld


def _stored(world: ApiWorld) -> list[Any]:
    return [world.records(), world.event_types()]


def _enroll(world: ApiWorld, body: dict[str, Any]) -> Any:
    return world.call("POST", "/admin/enrollments", world.session_token(), body)


def test_a_rep_enrolls_a_company_buyer_on_purchase_order_with_the_companys_terms(
    world: ApiWorld,
) -> None:
    # Given a buyer of a subsidiary whose company pays net 45
    on_b2b(world)
    parent = company(world, "Holding")
    child = company(world, "Branch", parent, payment_terms=45)
    grace = buyer(world, child, card=None)
    # When a rep enrolls them on purchase order without naming the terms
    reply = _enroll(world, enrollment(grace.id))
    # Then the subscription is the company's, invoiced on its terms, with no card
    assert reply.status == 200, reply.body
    view = reply.json()
    assert view["company"] == {"company_id": child, "parent_company_id": parent}
    assert view["invoice_terms"] == {"po_number": "PO-1001", "net_terms_days": 45}
    assert view["subscription"]["status"] == "active"
    [stored] = world.subscriptions()
    assert stored["doc"]["payment_method"] is None
    assert stored["doc"]["company"] == {"company_id": child, "parent_company_id": parent}


def test_a_rep_enrolls_a_company_buyer_on_their_stored_card(world: ApiWorld) -> None:
    on_b2b(world)
    grace = buyer(world, company(world, "Acme"))
    reply = _enroll(world, enrollment(grace.id, payment="card", po_number=None))
    assert reply.status == 200, reply.body
    [stored] = world.subscriptions()
    assert stored["doc"]["payment_method"]["instrument_token"] == grace.instrument_token
    assert reply.json()["invoice_terms"] is None


def test_an_enrollment_locks_the_catalog_price_and_the_plans_tiers_and_commitment(
    world: ApiWorld,
) -> None:
    # Given a plan with a volume tier and a commitment
    on_b2b(world)
    monthly = Cadence(label="Monthly", interval=Interval.MONTH)
    tier = Tier(min_quantity=10, discount_percent=Decimal("10"))
    plan = Plan(product_id=PRODUCT_ID, cadences=[monthly], tiers=(tier,), commitment_count=6)
    world.stack.put_plan(world.store_hash, plan)
    grace = buyer(world, company(world, "Acme"))
    # When ten are enrolled
    reply = _enroll(world, enrollment(grace.id, quantity=10))
    # Then the line holds today's price and the terms are the plan's, as at checkout
    assert reply.status == 200, reply.body
    [stored] = world.subscriptions()
    line = stored["doc"]["lines"][0]
    assert (Decimal(line["price_ex_tax"]), line["quantity"]) == (PRICE, 10)
    assert stored["doc"]["terms"]["commitment_count"] == 6
    assert stored["doc"]["terms"]["tiers"][0]["min_quantity"] == 10
    assert reply.json()["subscription"]["commitment_count"] == 6


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"po_number": None}, "po_number_required"),
        ({"po_number": "  "}, "po_number_required"),
        ({"net_terms_days": 121}, "net_terms_days_out_of_range"),
        ({"net_terms_days": -1}, "net_terms_days_out_of_range"),
        ({"cadence": "Hourly"}, "unknown_cadence"),
        ({"payment": "card", "po_number": None}, "no_stored_card"),
        ({"billing_address": {"first_name": "Grace"}}, "address_invalid"),
        ({"billing_address": {**ADDRESS, "zip": "7"}}, "address_invalid"),
    ],
)
def test_a_bad_enrollment_is_refused_naming_the_rule_and_writes_nothing(
    world: ApiWorld, change: dict[str, Any], rule: str
) -> None:
    # Given a company buyer with no stored card (the product's plan read and cached already)
    on_b2b(world)
    grace = buyer(world, company(world, "Acme"), card=None)
    world.stack.plans.plans_for(world.store_hash, [PRODUCT_ID], world.stack.now())
    before = _stored(world)
    # When the enrollment breaks a rule
    reply = _enroll(world, enrollment(grace.id, **change))
    # Then 422 names it, and nothing was written
    assert (reply.status, reply.json()["error"]) == (422, rule), reply.body
    assert _stored(world) == before


def test_net_terms_at_the_bounds_are_accepted(world: ApiWorld) -> None:
    on_b2b(world)
    grace = buyer(world, company(world, "Acme"), card=None)
    for days in (0, 120):
        reply = _enroll(world, enrollment(grace.id, net_terms_days=days))
        assert reply.status == 200, reply.body
        assert reply.json()["invoice_terms"]["net_terms_days"] == days


def test_a_customer_who_buys_for_no_company_or_a_store_without_b2b_is_refused(
    world: ApiWorld, stack: ApiStack
) -> None:
    # Given a shopper of no company on a B2B store, and a store without B2B Edition
    on_b2b(world)
    loner = world.shopper()
    plain = ApiWorld.create(stack)
    # When a rep tries to enroll each
    no_company = _enroll(world, enrollment(loner.id))
    no_b2b = plain.call(
        "POST", "/admin/enrollments", plain.session_token(), enrollment(plain.shopper().id)
    )
    # Then each refusal names its rule
    assert (no_company.status, no_company.json()["error"]) == (422, "not_a_company_buyer")
    assert (no_b2b.status, no_b2b.json()["error"]) == (422, "b2b_not_enabled")
    assert world.subscriptions() == [] and plain.subscriptions() == []


def test_another_stores_merchant_cannot_enroll_this_stores_buyer(
    world: ApiWorld, stack: ApiStack
) -> None:
    # Given a company buyer of this store, and another store on B2B Edition
    on_b2b(world)
    grace = buyer(world, company(world, "Acme"))
    other = on_b2b(ApiWorld.create(stack))
    before = _stored(world)
    # When the other store's merchant names this store's buyer
    reply = other.call("POST", "/admin/enrollments", other.session_token(), enrollment(grace.id))
    # Then their store's B2B Edition does not know them, and nothing here changed
    assert (reply.status, reply.json()["error"]) == (422, "not_a_company_buyer")
    assert _stored(world) == before and other.subscriptions() == []


# -- MRR --------------------------------------------------------------------------------------
def _mrr(world: ApiWorld, company_id: int, token: str | None = None) -> Any:
    path = f"/admin/companies/{company_id}/mrr"
    return world.call("GET", path, token or world.session_token())


def _yearly_plan(world: ApiWorld) -> None:
    cadences = [
        Cadence(label="Monthly", interval=Interval.MONTH),
        Cadence(label="Weekly", interval=Interval.WEEK),
        Cadence(label="Yearly", interval=Interval.YEAR),
    ]
    world.stack.put_plan(world.store_hash, Plan(product_id=PRODUCT_ID, cadences=cadences))


def test_a_parent_companys_mrr_is_the_hand_computed_sum_over_two_levels_of_children(
    world: ApiWorld,
) -> None:
    # Given Holding > {East > East Shop, West}, with subscriptions at every level (25.00 each)
    on_b2b(world)
    _yearly_plan(world)
    holding = company(world, "Holding")
    east = company(world, "East", holding)
    shop = company(world, "East Shop", east)
    west = company(world, "West", holding)
    unrelated = company(world, "Unrelated")
    plan: list[tuple[int, str, int]] = [
        (holding, "Monthly", 2),  # 2 x 25.00 monthly            = 50.00
        (east, "Yearly", 12),  # 12 x 25.00 = 300.00 a year       = 25.00
        (shop, "Weekly", 1),  # 25.00 a week x 365.25 / 12 / 7    = 108.71
        (shop, "Monthly", 1),  #                                  = 25.00
        (west, "Monthly", 3),  #                                  = 75.00
        (unrelated, "Monthly", 5),  # not in Holding's hierarchy
    ]
    for company_id, cadence, quantity in plan:
        grace = buyer(world, company_id, card=None)
        body = enrollment(grace.id, cadence=cadence, quantity=quantity)
        assert _enroll(world, body).status == 200
    # and one of West's is paused (it brings in nothing)
    paused = buyer(world, west, card=None)
    assert _enroll(world, enrollment(paused.id, quantity=4)).status == 200
    _pause_last(world, paused.id)
    # When the merchant reads each figure
    top = _mrr(world, holding).json()
    # Then by hand: 50.00 + 25.00 + (108.71 + 25.00) + 75.00 = 283.71
    assert top["mrr"] == {"USD": "50.00"}
    assert top["total_mrr"] == {"USD": "283.71"}
    by_company = {c["company_id"]: c for c in top["companies"]}
    assert [c["company_id"] for c in top["companies"]] == [holding, east, shop, west]
    assert by_company[shop]["mrr"] == {"USD": "133.71"}
    assert by_company[shop]["parent_company_id"] == east
    assert by_company[west]["subscriptions"] == 1
    assert _mrr(world, east).json()["total_mrr"] == {"USD": "158.71"}
    assert _mrr(world, east).json()["companies"][0]["parent_company_id"] == holding


def _pause_last(world: ApiWorld, customer_id: int) -> None:
    [sub] = [s for s in world.subscriptions() if s["doc"]["customer_id"] == customer_id]
    reply = world.call(
        "POST", f"/admin/subscriptions/{sub['doc']['id']}/pause", world.session_token()
    )
    assert reply.status == 200, reply.body
    [after] = [s for s in world.subscriptions() if s["doc"]["customer_id"] == customer_id]
    assert after["doc"]["status"] == Status.PAUSED.value


def test_another_stores_company_or_an_unknown_one_is_404(world: ApiWorld, stack: ApiStack) -> None:
    # Given a company with a subscription in this store, and another store on B2B Edition
    on_b2b(world)
    acme = company(world, "Acme")
    assert _enroll(world, enrollment(buyer(world, acme, card=None).id)).status == 200
    other = on_b2b(ApiWorld.create(stack))
    # When the other store's merchant asks for it (and this one for a company that is not)
    theirs = _mrr(other, acme)
    unknown = _mrr(world, 999_999)
    # Then neither exists for them
    assert (theirs.status, theirs.json()["error"]) == (404, "not_found")
    assert (unknown.status, unknown.json()["error"]) == (404, "not_found")


def test_a_store_without_b2b_edition_has_no_company_mrr(world: ApiWorld) -> None:
    reply = _mrr(world, 1001)
    assert (reply.status, reply.json()["error"]) == (404, "not_found")


def test_shipping_address_of_an_enrollment_is_kept_for_renewals(world: ApiWorld) -> None:
    on_b2b(world)
    grace = buyer(world, company(world, "Acme"), card=None)
    shipping = {**ADDRESS, "shipping_method": "Freight"}
    assert _enroll(world, enrollment(grace.id, shipping_address=shipping)).status == 200
    [stored] = world.subscriptions()
    assert stored["doc"]["shipping_address"]["shipping_method"] == "Freight"


def test_a_subscription_follows_its_buyer_to_another_company_and_the_index_moves_with_it(
    world: ApiWorld,
) -> None:
    # Given a buyer's subscription filed under Acme
    on_b2b(world)
    acme, globex = company(world, "Acme"), company(world, "Globex")
    grace = buyer(world, acme, card=None)
    sub_id = _enroll(world, enrollment(grace.id)).json()["subscription"]["id"]
    # When B2B Edition moves the buyer to Globex, under a new parent, and the rep refreshes
    holding = company(world, "Holding")
    world.emulator.move_company(world.store_hash, globex, holding)
    world.emulator.add_buyer(world.store_hash, globex, grace.id)
    path = f"/admin/subscriptions/{sub_id}/company/refresh"
    reply = world.call("POST", path, world.session_token())
    # Then the subscription is Globex's, and each company's MRR counts it where it is now
    assert reply.status == 200, reply.body
    assert reply.json()["company"] == {"company_id": globex, "parent_company_id": holding}
    assert _mrr(world, acme).json()["companies"][0]["subscriptions"] == 0
    assert _mrr(world, holding).json()["total_mrr"] == {"USD": "50.00"}
    assert world.event_types().count("subscription.updated") == 1
    # and a second refresh changes nothing
    again = world.call("POST", path, world.session_token())
    assert again.status == 200 and world.event_types().count("subscription.updated") == 1
