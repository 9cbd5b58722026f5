"""A gift on the whole topology: the checkout's webhook, the capture worker, the renewal
sweep and worker, the outbox and the merchant's endpoint (the rules themselves are tested in
tests/unit/test_actors.py and tests/api/test_actors_api.py)."""

from __future__ import annotations

import json

from devstack.stack import LocalStack

from .world import World


def test_a_gift_from_checkout_renews_on_the_payers_card_to_the_recipient(
    world: World, stack: LocalStack
) -> None:
    # Given a shopper whose checkout's comments name another customer of the store
    buyer, recipient = world.shopper(), world.shopper()
    world.checkout(buyer, customer_message=f"gift-recipient: {recipient.email}")
    stack.pump()
    [item] = world.of_kind("subscription")
    sub = json.loads(item["doc"])
    # When the next cycle renews
    world.renew()
    # Then the buyer pays (the renewal order is theirs and was paid with their card) and the
    # recipient is the beneficiary, and the merchant heard who acted on each event
    [order] = world.renewal_orders()
    assert order["customer_id"] == buyer.id and order["status_id"] == 11
    beneficiaries = [a["customer_id"] for a in sub["actors"] if a["role"] == "beneficiary"]
    assert beneficiaries == [recipient.id]
    actors = {r.event_type: r.body["data"]["actor"] for r in stack.receiver.received}
    assert actors["subscription.created"] == {"type": "system", "id": "engine"}
    assert actors["charge.succeeded"] == {"type": "system", "id": "engine"}
