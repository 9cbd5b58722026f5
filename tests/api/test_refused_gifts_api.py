"""A gift the checkout names but capture cannot make reaches the merchant as one `gift.refused`
ops item (order, reason code, the buyer's subscriptions) and one `subscription.gift_refused`
event, however often BigCommerce delivers the order; neither carries the recipient's email."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.bc_webhook_processors import processors

from ..emulator_store import PRODUCT_ID
from .world import ApiStack, ApiWorld


@pytest.fixture
def other(stack: ApiStack) -> ApiWorld:
    return ApiWorld.create(stack)


def _refused(world: ApiWorld) -> list[dict[str, Any]]:
    return [
        {**i, "data": json.loads(i["data"])}
        for i in world.of_kind("ops_event")
        if i["type"] == "gift.refused"
    ]


def _deliver_order_created(world: ApiWorld, order_id: int) -> None:
    work = processors(container())
    work["store/order/created"](world.store_hash, {"type": "order", "id": order_id})


def test_a_gift_for_an_unknown_email_tells_the_merchant_once_under_a_duplicate_delivery(
    world: ApiWorld,
) -> None:
    # Given a checkout naming an email no customer of the store has
    buyer = world.shopper()
    order = world.checkout(buyer, customer_message="gift-recipient: nobody@example.com")
    # When BigCommerce delivers store/order/created twice
    _deliver_order_created(world, order["id"])
    _deliver_order_created(world, order["id"])
    # Then one ops item names the order, the reason code and the buyer's subscription
    [sub_id] = world.subscription_ids()
    [item] = _refused(world)
    assert item["data"] == {
        "order_id": order["id"],
        "reason": "recipient_not_a_customer",
        "subscription_ids": [sub_id],
    }
    # And the subscription's one merchant event says the same, without the email either
    [event] = [e for e in world.of_kind("event") if e["type"] == "subscription.gift_refused"]
    data = json.loads(event["envelope"])["data"]
    assert (data["origin_order_id"], data["reason"]) == (order["id"], "recipient_not_a_customer")
    assert "nobody@example.com" not in json.dumps([item, event])


@pytest.mark.parametrize(
    ("note", "reason"),
    [
        ("gift-recipient: {buyer}", "recipient_is_buyer"),
        ("gift-recipient: {stranger}", "recipient_not_a_customer"),
        ("gift-recipient: not-an-email", "recipient_not_an_email"),
        ("gift-recipient: {stranger}\ngift-recipient: {buyer}", "more_than_one_gift_line"),
        ("gift-first-delivery: 2030-01-01", "first_delivery_without_recipient"),
        ("gift-recipient: {stranger}\ngift-first-delivery: soon", "first_delivery_not_a_date"),
        (
            "gift-recipient: {stranger}\ngift-first-delivery: 2001-01-01",
            "first_delivery_not_after_purchase",
        ),
    ],
)
def test_each_refused_gift_names_why_in_a_code(
    world: ApiWorld, other: ApiWorld, note: str, reason: str
) -> None:
    # Given a checkout whose gift lines cannot be honoured (another store's customer is a
    # stranger here)
    buyer, stranger = world.shopper(), other.shopper()
    message = note.format(buyer=buyer.email, stranger=stranger.email)
    order = world.checkout(buyer, customer_message=message)
    # When it is captured
    _deliver_order_created(world, order["id"])
    # Then the merchant's ops item says why, in a code
    [item] = _refused(world)
    assert item["data"]["reason"] == reason
    assert item["data"]["order_id"] == order["id"]


def test_a_gift_a_guest_names_is_refused_as_a_guests(world: ApiWorld) -> None:
    # Given a guest's checkout naming a customer of the store
    recipient = world.shopper()
    order = world.emulator.place_checkout_order(
        world.store_hash,
        customer_id=0,
        lines=[{"product_id": PRODUCT_ID, "quantity": 1}],
        customer_message=f"gift-recipient: {recipient.email}",
    )
    # When it is captured
    _deliver_order_created(world, order["id"])
    # Then the merchant hears the gift was refused because the buyer was a guest
    assert [i["data"]["reason"] for i in _refused(world)] == ["guest_buyer"]


def test_a_gift_that_is_made_and_an_order_without_one_raise_no_ops_item(world: ApiWorld) -> None:
    # Given a checkout giving to another customer and one with ordinary comments
    buyer, recipient = world.shopper(), world.shopper()
    gift = world.checkout(buyer, customer_message=f"gift-recipient: {recipient.email}")
    plain = world.checkout(buyer, customer_message="Leave it at the door")
    # When both are captured
    _deliver_order_created(world, gift["id"])
    _deliver_order_created(world, plain["id"])
    # Then nothing is refused
    assert len(world.subscription_ids()) == 2
    assert _refused(world) == []
    assert "subscription.gift_refused" not in world.event_types()
