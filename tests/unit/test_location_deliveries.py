"""A multi-location cycle's delivery: fulfilled once every location's order is settled and one
shipped, each location's shipped or cancelled state kept, old delivery records still read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bc_subscriptions.domain.delivery import DeliveryInstance
from bc_subscriptions.domain.location_deliveries import (
    CycleDelivery,
    LocationDelivery,
    LocationState,
    cycle_delivery,
    last_shipped,
    with_location,
)
from bc_subscriptions.domain.record import from_json

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CYCLE = ["loc_000000000a", "loc_000000000b", "loc_000000000c"]
A, B, C = CYCLE
SHIPPED, CANCELLED = LocationState.SHIPPED, LocationState.CANCELLED


def settled(*steps: tuple[str, LocationState, int]) -> dict[str, LocationDelivery]:
    """The cycle's locations after each (location, state, order) in turn, a minute apart."""
    locations: dict[str, LocationDelivery] = {}
    for n, (location_id, state, order_id) in enumerate(steps):
        now = NOW + timedelta(minutes=n)
        changed = with_location(locations, CYCLE, location_id, state, order_id=order_id, now=now)
        assert changed is not None, (location_id, state)
        locations = changed
    return locations


def test_the_first_of_three_locations_shipping_leaves_the_cycle_waiting() -> None:
    # Given a three-location cycle
    # When only the first location's order ships
    locations = settled((A, SHIPPED, 101))
    # Then every location is listed, only the first shipped, and the cycle still waits
    assert {lid: loc.state for lid, loc in locations.items()} == {
        A: SHIPPED,
        B: LocationState.PENDING,
        C: LocationState.PENDING,
    }
    assert locations[A] == LocationDelivery(state=SHIPPED, order_id=101, settled_at=NOW)
    assert cycle_delivery(locations, CYCLE) == CycleDelivery.WAITING


def test_the_cycle_is_fulfilled_when_the_last_location_ships() -> None:
    # Given two of three locations shipped
    locations = settled((A, SHIPPED, 101), (B, SHIPPED, 102))
    assert cycle_delivery(locations, CYCLE) == CycleDelivery.WAITING
    # When the third ships
    locations = settled((A, SHIPPED, 101), (B, SHIPPED, 102), (C, SHIPPED, 103))
    # Then the cycle is fulfilled, naming the order that shipped last
    assert cycle_delivery(locations, CYCLE) == CycleDelivery.FULFILLED
    assert last_shipped(locations) == 103


def test_a_cancelled_location_settles_the_cycle_without_counting_as_shipped() -> None:
    # Given a cycle whose first two locations shipped
    # When the third location's order is cancelled before shipping
    locations = settled((A, SHIPPED, 101), (B, SHIPPED, 102), (C, CANCELLED, 103))
    # Then the cycle is fulfilled, the cancelled location recorded as cancelled
    assert cycle_delivery(locations, CYCLE) == CycleDelivery.FULFILLED
    assert locations[C].state == CANCELLED
    # and the cycle names the last order that shipped, not the cancelled one
    assert last_shipped(locations) == 102


def test_a_cycle_whose_every_location_was_cancelled_is_skipped_not_fulfilled() -> None:
    # Given / When every location's order is cancelled
    locations = settled((A, CANCELLED, 101), (B, CANCELLED, 102), (C, CANCELLED, 103))
    # Then nothing shipped: the cycle is skipped
    assert cycle_delivery(locations, CYCLE) == CycleDelivery.SKIPPED
    assert last_shipped(locations) is None


def test_a_repeated_shipment_changes_nothing() -> None:
    # Given a location that shipped
    locations = settled((A, SHIPPED, 101))
    # When its shipment is heard of again
    again = with_location(locations, CYCLE, A, SHIPPED, order_id=101, now=NOW + timedelta(hours=1))
    # Then nothing changes (its first shipment time stays)
    assert again is None


def test_a_refund_after_shipping_does_not_undo_the_shipment() -> None:
    # Given a location that shipped
    locations = settled((A, SHIPPED, 101))
    # When its order is refunded afterwards
    refunded = with_location(locations, CYCLE, A, CANCELLED, order_id=101, now=NOW)
    # Then it stays shipped
    assert refunded is None


def test_a_cancelled_order_shipped_after_all_counts_as_shipped() -> None:
    # Given a location whose order was cancelled
    locations = settled((A, CANCELLED, 101))
    # When that order ships after all
    shipped = with_location(locations, CYCLE, A, SHIPPED, order_id=101, now=NOW)
    # Then it is recorded as shipped
    assert shipped is not None and shipped[A].state == SHIPPED


def test_a_location_the_cycle_does_not_ship_to_changes_nothing() -> None:
    # Given / When a location not among the cycle's is heard of
    changed = with_location({}, CYCLE, "loc_00000000ff", SHIPPED, order_id=9, now=NOW)
    # Then nothing changes
    assert changed is None


def test_a_cycle_with_no_locations_is_never_settled_by_this_rule() -> None:
    # Given / When / Then a single-order cycle (no locations) is left to its own shipment
    assert cycle_delivery({}, []) == CycleDelivery.WAITING


def test_a_delivery_record_stored_before_locations_still_reads() -> None:
    # Given a delivery instance stored before locations were kept on it
    stored = (
        '{"store_hash": "store1", "subscription_id": "sub_1", "cycle": 2,'
        ' "scheduled_for": "2026-03-01T12:00:00Z", "charge_cycle": 2,'
        ' "status": "fulfilled", "order_id": 55}'
    )
    # When it is read
    delivery = from_json(DeliveryInstance, stored)
    # Then it has no locations and keeps what it had
    assert (delivery.status.value, delivery.order_id, delivery.locations) == ("fulfilled", 55, {})
