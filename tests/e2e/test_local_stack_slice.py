"""The slice over real localhost servers: moto, the BigCommerce emulator, a merchant endpoint."""

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest

from devstack.stack import LocalStack

from ..integration.world import World

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server_stack() -> Iterator[LocalStack]:
    with LocalStack(server=True) as stack:
        yield stack


def test_checkout_renewal_and_merchant_webhooks_over_http(server_stack: LocalStack) -> None:
    # Given a store installed over HTTP against the emulator, and a shopper with a saved card
    world = World.create(server_stack)
    customer = world.shopper()
    # When the shopper subscribes, a month passes and the scheduled sweep fires
    world.checkout(customer)
    server_stack.pump()
    server_stack.advance_clock(timedelta(days=31))
    swept = server_stack.fire("RenewalSweepFunction")
    server_stack.pump()
    # Then one renewal order was created and paid over HTTP
    assert swept["enqueued"] == 1
    [order] = world.renewal_orders()
    paid = [
        t for t in world.emulator.transactions(world.store_hash, order["id"]) if t["status"] == "ok"
    ]
    assert order["status_id"] == 11 and len(paid) == 1
    assert Decimal(paid[0]["amount"]) == Decimal("50.00")
    # And the merchant endpoint verified every signed delivery it received
    received = [
        r
        for r in server_stack.receiver.received
        if r.body["data"]["store_hash"] == world.store_hash
    ]
    assert {"subscription.created", "charge.succeeded", "subscription.renewed"} <= {
        r.event_type for r in received
    }
    assert all(r.verified for r in received)
