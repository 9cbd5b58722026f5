"""A multi-location cycle's delivery on the shipment and order-status webhooks: fulfilled only
when every location's order is settled, `delivery.fulfilled` recorded once (duplicates, a race
between locations and a crash after the commit included), each location's state kept."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from bc_subscriptions.adapters.memory import MemorySubscriptionReads
from bc_subscriptions.domain.delivery import DeliveryInstance, DeliveryStatus
from bc_subscriptions.services.location_status import settle_location_on_status
from bc_subscriptions.services.order_status import StatusChange
from bc_subscriptions.services.payment_actions import ActionDeps
from bc_subscriptions.services.renewal_workflow import run_renewal
from bc_subscriptions.services.shipments import on_shipment
from bc_subscriptions.services.subscription_admin import subscription_detail

from .capture_world import renewed, store, txs
from .crashing import CommitHook, Crash, die_after
from .locations_world import three_locations
from .world import MemoryWorld

AWAITING_FULFILLMENT, SHIPPED, CANCELLED, REFUNDED, COMPLETED = 11, 2, 5, 4, 10


def renewed_three(
    timing: str = "immediate", gateway: str = "purchase"
) -> tuple[MemoryWorld, list[int]]:
    """A renewed three-location cycle 2; answers its orders in the locations' order."""
    world = store(timing, gateway=gateway)
    cmd = three_locations(world)
    assert run_renewal(cmd, world.deps("w")).outcome == "renewed"
    [sub] = world.subscriptions()
    by_location = {c.location_id: c.bc_order_id for c in world.charges() if c.cycle == 2}
    orders = [by_location[loc.id] for loc in sub.delivery_locations]
    assert all(isinstance(o, int) for o in orders)
    return world, [o for o in orders if o is not None]


def ship(world: MemoryWorld, order_id: int, deps: ActionDeps | None = None) -> str:
    return on_shipment(world.store_hash, order_id, deps or world.action_deps())


def status(world: MemoryWorld, order_id: int, new_status: int) -> str | None:
    react = settle_location_on_status(world.action_deps)
    return react(StatusChange(world.store_hash, order_id, AWAITING_FULFILLMENT, new_status))


def delivery(world: MemoryWorld, cycle: int = 2) -> DeliveryInstance:
    [sub] = world.subscriptions()
    [found] = world.uow().deliveries.between(world.store_hash, sub.id, cycle, cycle)
    return found


def states(world: MemoryWorld) -> list[str]:
    """Each location's state on the cycle's delivery, in the locations' order."""
    [sub] = world.subscriptions()
    locations = delivery(world).locations
    return [locations[loc.id].state.value for loc in sub.delivery_locations]


def fulfilled_events(world: MemoryWorld) -> list[dict[str, Any]]:
    return [
        json.loads(e.envelope)
        for e in world.store.events(world.store_hash)
        if e.type == "delivery.fulfilled"
    ]


def schema_errors(envelope: dict[str, Any]) -> list[str]:
    text = resources.files("bc_subscriptions.schemas").joinpath("delivery.fulfilled.json")
    validator = Draft202012Validator(json.loads(text.read_text()))
    return [e.message for e in validator.iter_errors(envelope)]


def test_the_cycle_is_fulfilled_only_when_the_last_locations_order_ships() -> None:
    # Given a renewed three-location cycle
    world, (first, second, third) = renewed_three()
    # When the first two locations' orders ship
    ship(world, first)
    ship(world, second)
    # Then the merchant sees which shipped, and the cycle's delivery is still pending
    assert states(world) == ["shipped", "shipped", "pending"]
    assert delivery(world).status == DeliveryStatus.PENDING
    assert fulfilled_events(world) == []
    # When the last one ships
    assert ship(world, third) == "delivery_fulfilled"
    # Then the delivery is fulfilled once, naming every location and the order shipped last
    assert delivery(world).status == DeliveryStatus.FULFILLED
    assert delivery(world).order_id == third
    [event] = fulfilled_events(world)
    [sub] = world.subscriptions()
    assert event["data"]["order_id"] == third
    assert event["data"]["locations"] == [
        {"location_id": loc.id, "state": "shipped", "order_id": order}
        for loc, order in zip(sub.delivery_locations, (first, second, third), strict=True)
    ]
    assert schema_errors(event) == []


def test_duplicate_shipment_webhooks_record_the_fulfilment_exactly_once() -> None:
    # Given a renewed three-location cycle on a store that captures when an order ships
    world, orders = renewed_three("on_ship", gateway="authorization")
    # When every location's shipment webhook comes three times, interleaved
    outcomes = [ship(world, order) for _ in range(3) for order in orders]
    # Then the cycle was fulfilled by the first delivery of the last one, and only then
    assert outcomes.count("captured,delivery_fulfilled") == 1
    assert outcomes[2] == "captured,delivery_fulfilled"
    assert len(fulfilled_events(world)) == 1
    # and each order was captured once
    assert [len(txs(world, order, "capture")) for order in orders] == [1, 1, 1]


@pytest.mark.parametrize("crash_after", [1, 2])
def test_a_crash_after_a_commit_of_the_last_shipment_still_fulfils_once(crash_after: int) -> None:
    # Given a three-location on_ship cycle whose first two orders shipped
    world, (first, second, third) = renewed_three("on_ship", gateway="authorization")
    ship(world, first)
    ship(world, second)
    # When the last shipment's worker dies after its capture's commit (1) or the delivery's (2)
    crashing = ActionDeps(CommitHook(world.uow(), die_after(crash_after)), world.bc, world.clock)
    with pytest.raises(Crash):
        ship(world, third, crashing)
    # and the webhook is delivered again
    ship(world, third)
    # Then the cycle's delivery was fulfilled once, and the last order captured once
    assert delivery(world).status == DeliveryStatus.FULFILLED
    assert len(fulfilled_events(world)) == 1
    assert len(txs(world, third, "capture")) == 1


class OtherLocationFirst:
    """The real unit of work, where another location's shipment commits just before this
    worker's first commit (the two webhooks racing on the same cycle)."""

    def __init__(self, inner: Any, other: Any) -> None:
        self._inner, self._other, self._raced = inner, other, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> OtherLocationFirst:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)

    def commit(self) -> None:
        if not self._raced:
            self._raced = True
            self._other()
        self._inner.commit()


def test_two_locations_shipping_at_once_both_count_and_fulfil_the_cycle_once() -> None:
    # Given a three-location cycle whose first order shipped
    world, (first, second, third) = renewed_three()
    ship(world, first)
    # When the last two ship at the same moment (the third commits while the second is staged)
    racing = OtherLocationFirst(world.uow(), lambda: ship(world, third))
    outcome = ship(world, second, ActionDeps(racing, world.bc, world.clock))
    # Then the second's worker read again and settled the cycle: nothing was lost or doubled
    assert outcome == "delivery_fulfilled"
    assert states(world) == ["shipped", "shipped", "shipped"]
    assert len(fulfilled_events(world)) == 1


def test_a_cancelled_locations_order_settles_the_cycle_without_counting_as_shipped() -> None:
    # Given a three-location cycle whose first two orders shipped
    world, (first, second, third) = renewed_three()
    ship(world, first)
    ship(world, second)
    # When the third location's order is cancelled (and the status webhook comes twice)
    outcomes = [status(world, third, CANCELLED) for _ in range(2)]
    # Then the cycle is fulfilled once, the third recorded as cancelled
    assert outcomes == ["delivery_fulfilled", "delivery_unchanged"]
    assert states(world) == ["shipped", "shipped", "cancelled"]
    [event] = fulfilled_events(world)
    assert event["data"]["order_id"] == second
    assert [loc["state"] for loc in event["data"]["locations"]] == [
        "shipped",
        "shipped",
        "cancelled",
    ]
    assert schema_errors(event) == []


def test_a_refund_after_a_location_shipped_leaves_it_shipped() -> None:
    # Given a three-location cycle whose first order shipped
    world, (first, _, _) = renewed_three()
    ship(world, first)
    # When that order is refunded
    assert status(world, first, REFUNDED) == "delivery_unchanged"
    # Then it still counts as shipped
    assert states(world) == ["shipped", "pending", "pending"]


def test_a_completed_status_counts_as_the_location_shipping() -> None:
    # Given a three-location cycle whose first two orders shipped
    world, (first, second, third) = renewed_three()
    ship(world, first)
    ship(world, second)
    # When the third is completed in the control panel without a shipment
    assert status(world, third, COMPLETED) == "delivery_fulfilled"
    # Then the cycle is fulfilled; its shipment arriving later changes nothing
    assert ship(world, third) == "delivery_unchanged"
    assert len(fulfilled_events(world)) == 1


def test_a_cycle_whose_every_location_was_cancelled_is_skipped_without_an_event() -> None:
    # Given a renewed three-location cycle
    world, orders = renewed_three()
    # When every location's order is cancelled
    outcomes = [status(world, order, CANCELLED) for order in orders]
    # Then the delivery is skipped, not fulfilled, and no fulfilment is announced
    assert outcomes[-1] == "delivery_skipped"
    assert delivery(world).status == DeliveryStatus.SKIPPED
    assert fulfilled_events(world) == []


def test_a_single_order_subscription_is_fulfilled_by_its_one_shipment_as_before() -> None:
    # Given a renewed subscription without locations
    world = store("immediate", gateway="purchase")
    order = renewed(world)
    # When its order's status becomes Shipped, then its shipment comes (twice)
    assert status(world, order["id"], SHIPPED) is None
    outcomes = [ship(world, order["id"]) for _ in range(2)]
    # Then the shipment fulfilled it once, with no locations on the delivery or the event
    assert outcomes == ["delivery_fulfilled", "delivery_unchanged"]
    assert delivery(world).locations == {}
    [event] = fulfilled_events(world)
    assert "locations" not in event["data"]
    assert schema_errors(event) == []


def test_the_admin_subscription_detail_shows_which_locations_have_shipped() -> None:
    # Given a three-location cycle whose second order shipped
    world, (_, second, _) = renewed_three()
    ship(world, second)
    [sub] = world.subscriptions()
    # When the merchant opens the subscription
    _, history = subscription_detail(
        world.store_hash, sub.id, uow=world.uow(), reader=MemorySubscriptionReads(world.store)
    )
    # Then the cycle's delivery lists each location's state and order
    [cycle_2] = [d for d in history["deliveries"] if d["cycle"] == 2]
    assert cycle_2["status"] == "pending"
    assert {lid: loc["state"] for lid, loc in cycle_2["locations"].items()} == {
        loc.id: state
        for loc, state in zip(
            sub.delivery_locations, ("pending", "shipped", "pending"), strict=True
        )
    }
    assert cycle_2["locations"][sub.delivery_locations[1].id]["order_id"] == second
