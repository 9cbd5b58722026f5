"""The local stack's business clock starts at a pinned instant, whatever day the machine says,
and BigCommerce's dates (the emulator's) follow it."""

import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from devstack.stack import PINNED_START, LocalStack

from .world import World

ONE_MINUTE = timedelta(minutes=1)  # the real time a test may take between two readings


def test_the_clock_starts_at_the_pinned_instant_and_moves_when_advanced(
    stack: LocalStack,
) -> None:
    # Given a new stack, When it is read and then advanced by 40 days
    started = stack.now()
    stack.advance_clock(timedelta(days=40))
    # Then it started at the pin, and moved by the 40 days
    assert PINNED_START <= started < PINNED_START + ONE_MINUTE
    assert timedelta(days=40) <= stack.now() - started < timedelta(days=40) + ONE_MINUTE


def test_a_subscription_and_its_bigcommerce_order_are_dated_by_the_business_clock(
    world: World,
) -> None:
    # Given the stack's clock moved 100 days past the pin
    world.stack.advance_clock(timedelta(days=100))
    expected = PINNED_START + timedelta(days=100)
    # When a shopper subscribes
    _, order = world.subscribe()
    # Then the order BigCommerce keeps and the subscription we keep carry the business date
    [sub] = world.of_kind("subscription")
    created = datetime.fromisoformat(json.loads(sub["doc"])["created_at"])
    ordered = parsedate_to_datetime(world.emulator.orders(world.store_hash)[0]["date_created"])
    for when in (created, ordered.astimezone(UTC)):
        assert expected <= when < expected + ONE_MINUTE
    assert order["id"] == world.emulator.orders(world.store_hash)[0]["id"]


def test_make_dev_keeps_todays_date() -> None:
    # Given / When a stack asked to start today
    with LocalStack(start_at=None) as today:
        # Then its clock is the machine's
        assert abs(today.now() - datetime.now(UTC)) < ONE_MINUTE
