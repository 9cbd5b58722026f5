"""Actors through the admin and portal APIs (in-memory container): the merchant adds and
removes actors under the payer rule, every shopper holding a role sees the subscription with
what their role allows, and the routes refuse the rest with a 403 naming the role."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from ulid import ULID

from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.schedule import Interval, shift
from bc_subscriptions.services.capture_from_order import capture_from_order
from bc_subscriptions.services.messages import RenewSubscription
from bc_subscriptions.services.renewal_workflow import RenewalDeps, run_renewal
from bc_subscriptions.services.tenant_settings import update_tenant_config

from ..services.world import APP_ID
from .route_tables import ADDRESS
from .world import MERCHANT_USER_ID, ApiStack, ApiWorld


@pytest.fixture
def other(stack: ApiStack) -> ApiWorld:
    return ApiWorld.create(stack)


GIFT_ADDRESS = {**ADDRESS, "first_name": "Bob", "street_1": "2 Recipient Road"}


def _checkout(world: ApiWorld, buyer: Any, message: str) -> str:
    """The buyer's checkout with these Order Comments, captured; its subscription's id."""
    order = world.checkout(buyer, customer_message=message)
    captured = capture_from_order(
        world.store_hash,
        order["id"],
        uow=world.stack.uow(),
        bc=world.stack.bc,
        clock=world.stack.clock,
        app_id=APP_ID,
        new_id=lambda: f"sub_{ULID()}",
        plans=world.stack.plans,
    )
    assert captured.outcome == "created"
    [sub_id] = captured.subscription_ids
    return sub_id


def _gift(world: ApiWorld) -> tuple[Any, Any, str]:
    """Shopper A's checkout names shopper B as the gift's recipient: A pays, B receives."""
    payer, recipient = world.shopper(), world.shopper()
    sub_id = _checkout(world, payer, f"Happy birthday!\ngift-recipient: {recipient.email}")
    return payer, recipient, sub_id


def _token(world: ApiWorld, customer: Any) -> str:
    return str(world.emulator.current_customer_jwt(world.store_hash, customer.id))


def _listed(world: ApiWorld, customer: Any) -> dict[str, Any]:
    reply = world.call("GET", "/portal/subscriptions", _token(world, customer))
    [item] = reply.json()["items"]
    return dict(item)


def _renew(world: ApiWorld, sub_id: str) -> None:
    world.stack.clock.advance(timedelta(days=31))
    deps = RenewalDeps(world.stack.uow(), world.stack.bc, world.stack.clock, APP_ID, "w1")
    cmd = RenewSubscription(store_hash=world.store_hash, subscription_id=sub_id, cycle=2)
    run_renewal(cmd, deps)


def test_a_gift_paid_by_one_shopper_ships_to_another_and_each_sees_what_their_role_allows(
    world: ApiWorld,
) -> None:
    # Given a gift: A pays, B receives
    payer, recipient, sub_id = _gift(world)
    base = f"/portal/subscriptions/{sub_id}"
    # When B sets where it ships, and tries what a beneficiary may not do
    moved = world.call("PUT", f"{base}/shipping-address", _token(world, recipient), GIFT_ADDRESS)
    paused = world.call("POST", f"{base}/pause", _token(world, recipient))
    card = {"instrument_token": payer.instrument_token}
    carded = world.call("PUT", f"{base}/payment-method", _token(world, recipient), card)
    # Then the address change is B's, and the rest is refused naming B's role
    assert moved.status == 200, moved.body
    assert (paused.status, paused.json()["error"]) == (403, "role_forbids_action")
    assert paused.json()["roles"] == ["beneficiary"]
    assert (carded.status, carded.json()["action"]) == (403, "change_card")
    assert world.event_data("subscription.updated")["actor"] == {
        "type": "shopper",
        "id": recipient.id,
    }
    # And each sees the subscription with what their roles allow
    a, b = _listed(world, payer), _listed(world, recipient)
    assert a["roles"] == ["owner", "payer"] and "change_card" in a["allowed_actions"]
    assert b["roles"] == ["beneficiary"]
    assert b["allowed_actions"] == ["change_address", "edit_custom_fields", "skip", "view"]
    assert a["payer_customer_id"] == b["payer_customer_id"] == payer.id
    assert a["beneficiary_customer_id"] == recipient.id
    # When the next cycle renews
    _renew(world, sub_id)
    # Then the renewal order is A's (A's card paid it) and ships to B's address
    [order] = world.renewal_orders()
    assert order["customer_id"] == payer.id
    [shipping] = world.emulator.stores[world.store_hash].shipping[order["id"]]
    assert shipping["street_1"] == "2 Recipient Road"
    assert world.event_data("charge.succeeded")["actor"] == {"type": "system", "id": "engine"}


def test_a_second_payer_or_no_payer_is_refused_naming_the_rule_and_nothing_is_written(
    world: ApiWorld,
) -> None:
    # Given a subscription and another customer of the store
    buyer, _ = world.subscribe()
    other = world.shopper()
    sub_id = world.subscription_ids()[-1]
    before = world.records()
    session = world.session_token()
    path = f"/admin/subscriptions/{sub_id}/actors"
    # When the merchant adds a second payer, then removes the only one
    added = world.call("POST", path, session, {"customer_id": other.id, "role": "payer"})
    removed = world.call("DELETE", f"{path}/{buyer.id}/payer", session)
    # Then both are refused with the rule's name, and nothing changed
    assert (added.status, added.json()["error"]) == (409, "exactly_one_active_payer")
    assert (removed.status, removed.json()["error"]) == (409, "exactly_one_active_payer")
    assert world.records() == before


def test_the_merchant_replaces_the_payer_and_the_new_payer_is_asked_for_their_card(
    world: ApiWorld,
) -> None:
    # Given a subscription and another customer
    buyer, _ = world.subscribe()
    other = world.shopper()
    sub_id = world.subscription_ids()[-1]
    body = {"customer_id": other.id, "role": "payer", "replace_payer": True}
    # When the merchant replaces the payer
    reply = world.call("POST", f"/admin/subscriptions/{sub_id}/actors", world.session_token(), body)
    # Then the new one pays, the old card is dropped, and the event names both and the user
    assert reply.status == 200, reply.body
    assert reply.json()["payer_customer_id"] == other.id
    assert json.loads(json.dumps(world.subscriptions()[-1]["doc"]))["payment_method"] is None
    changed = world.event_data("subscription.payer_changed")
    assert (changed["previous_customer_id"], changed["customer_id"]) == (buyer.id, other.id)
    assert changed["actor"] == {"type": "merchant_user", "id": MERCHANT_USER_ID}
    # And the old payer's card change no longer moves it
    token = _token(world, buyer)
    moved = world.call(
        "PUT", "/portal/payment-method", token, {"instrument_token": buyer.instrument_token}
    )
    assert moved.status == 200 and moved.json()["items"] == []


def test_a_manager_changes_the_card_only_where_the_store_allows_it(world: ApiWorld) -> None:
    # Given a subscription with a manager
    buyer, _ = world.subscribe()
    manager = world.shopper()
    sub_id = world.subscription_ids()[-1]
    body = {"customer_id": manager.id, "role": "manager"}
    world.call("POST", f"/admin/subscriptions/{sub_id}/actors", world.session_token(), body)
    path = f"/portal/subscriptions/{sub_id}/payment-method"
    card = {"instrument_token": buyer.instrument_token}
    # When the manager changes the card before and after the store allows managers to
    refused = world.call("PUT", path, _token(world, manager), card)
    update_tenant_config(world.stack.uow(), world.store_hash, '{"managers_may_change_card": true}')
    allowed = world.call("PUT", path, _token(world, manager), card)
    # Then only the second goes through, with one of the payer's cards
    assert (refused.status, refused.json()["roles"]) == (403, ["manager"])
    assert allowed.status == 200, allowed.body
    assert "change_card" in _listed(world, manager)["allowed_actions"]


def test_a_removed_actor_no_longer_sees_the_subscription(world: ApiWorld) -> None:
    # Given a manager
    world.subscribe()
    manager = world.shopper()
    sub_id = world.subscription_ids()[-1]
    session = world.session_token()
    path = f"/admin/subscriptions/{sub_id}/actors"
    world.call("POST", path, session, {"customer_id": manager.id, "role": "manager"})
    # When the merchant removes them
    removed = world.call("DELETE", f"{path}/{manager.id}/manager", session)
    # Then the removal is recorded and their portal lists nothing, their detail is not found
    assert removed.status == 200, removed.body
    assert [a["status"] for a in removed.json()["actors"] if a["role"] == "manager"] == ["removed"]
    listing = world.call("GET", "/portal/subscriptions", _token(world, manager))
    detail = world.call("GET", f"/portal/subscriptions/{sub_id}", _token(world, manager))
    assert listing.json()["items"] == []
    assert detail.status == 404
    assert world.subscriptions()[-1]["doc"]["status"] == Status.ACTIVE.value


def test_a_gift_with_a_later_first_delivery_renews_from_that_date(world: ApiWorld) -> None:
    # Given a checkout whose comments name a recipient and a first delivery ten days out
    buyer, recipient = world.shopper(), world.shopper()
    first = (world.stack.now() + timedelta(days=10)).date()
    note = f"gift-recipient: {recipient.email.upper()}\ngift-first-delivery: {first.isoformat()}"
    # When it is captured
    sub_id = _checkout(world, buyer, note)
    # Then the buyer pays, the recipient receives and lists it, and cycle 2 is a month after
    # the first delivery
    detail = world.call("GET", f"/admin/subscriptions/{sub_id}/actors", world.session_token())
    assert detail.status == 200, detail.body
    view = detail.json()
    assert (view["payer_customer_id"], view["beneficiary_customer_id"]) == (buyer.id, recipient.id)
    first_at = datetime(first.year, first.month, first.day, tzinfo=UTC)
    expected = shift(first_at, Interval.MONTH, 1, 1)
    assert datetime.fromisoformat(view["subscription"]["next_renewal_at"]) == expected
    assert _listed(world, recipient)["roles"] == ["beneficiary"]
    [added] = [a for a in view["actors"] if a["role"] == "beneficiary"]
    assert added["added_by"] == {"type": "shopper", "id": buyer.id}


def test_a_gift_for_someone_who_is_not_a_customer_of_the_store_is_no_gift(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given checkouts naming another store's customer, an unknown email, and the buyer
    buyer, stranger = world.shopper(), other.shopper()
    notes = [
        f"gift-recipient: {stranger.email}",
        "gift-recipient: nobody@example.com",
        f"gift-recipient: {buyer.email}",
        "gift-recipient: bob@example.com\ngift-first-delivery: 2001-01-01",
    ]
    for note in notes:
        # When each is captured
        sub_id = _checkout(world, buyer, note)
        # Then it is the buyer's own subscription, in every role
        stored = [s for s in world.subscriptions() if s["doc"]["id"] == sub_id]
        assert "actors" not in stored[0]["doc"], note


def test_another_stores_merchant_cannot_read_a_subscriptions_actors(
    world: ApiWorld, other: ApiWorld
) -> None:
    # Given a gift of this store
    _, _, sub_id = _gift(world)
    # When the other store's merchant asks who it is for
    reply = other.call("GET", f"/admin/subscriptions/{sub_id}/actors", other.session_token())
    # Then it does not exist for them
    assert (reply.status, reply.json()["error"]) == (404, "not_found")


def test_the_merchant_cannot_add_someone_who_is_not_a_customer_of_the_store(
    world: ApiWorld,
) -> None:
    # Given a subscription, and a customer id the store's BigCommerce does not know (customer
    # ids are per store: another store's shopper is known here only by the id, if at all)
    world.subscribe()
    sub_id = world.subscription_ids()[-1]
    before = world.records()
    # When the merchant makes them a manager
    body = {"customer_id": 987654, "role": "manager"}
    reply = world.call("POST", f"/admin/subscriptions/{sub_id}/actors", world.session_token(), body)
    # Then they are not this store's customer, and nothing is written
    assert (reply.status, reply.json()["error"]) == (422, "unknown_customer")
    assert world.records() == before
