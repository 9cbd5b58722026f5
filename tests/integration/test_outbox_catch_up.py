"""Catch-up: an event the stream path never relayed reaches the merchant exactly once."""

from datetime import timedelta

from .world import World


def _received(world: World, event_type: str) -> int:
    return [r.event_type for r in world.stack.receiver.received].count(event_type)


def test_an_event_the_stream_lost_is_relayed_once_by_catch_up(world: World) -> None:
    # Given a subscription whose creation event never came through the stream
    world.checkout(world.shopper())
    world.stack.deliver_bc_webhooks()
    world.stack.runtime.drain_queue("BcWebhookQueue")  # the worker creates the subscription
    assert world.stack.runtime.discard_stream_records() >= 1
    world.stack.pump()
    assert _received(world, "subscription.created") == 0
    # When catch-up runs before the event is overdue, then after
    early = world.stack.fire("OutboxCatchUpFunction")
    world.stack.advance_clock(timedelta(minutes=6))
    late = world.stack.fire("OutboxCatchUpFunction")
    world.stack.pump()
    again = world.stack.fire("OutboxCatchUpFunction")
    world.stack.pump()
    # Then it was relayed once, by the overdue run only, and the merchant got it once
    assert (early["relayed"], late["relayed"], again["relayed"]) == (0, 1, 0)
    assert _received(world, "subscription.created") == 1


def test_events_relayed_by_the_stream_are_not_relayed_again(world: World) -> None:
    # Given events delivered the normal way
    world.subscribe()
    world.renew()
    delivered = len(world.stack.receiver.received)
    # When catch-up runs long after
    world.stack.advance_clock(timedelta(hours=1))
    result = world.stack.fire("OutboxCatchUpFunction")
    world.stack.pump()
    # Then nothing was pending and nothing was sent twice
    assert result["relayed"] == 0
    assert len(world.stack.receiver.received) == delivered
    assert all("relay_pk" not in e for e in world.of_kind("event"))
