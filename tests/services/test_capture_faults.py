"""Capture and void under faults: the transactions are read before any second request.

Whatever fails around the capture (timeouts and 5xx before or after BigCommerce applied it,
a declined capture), retrying ends with exactly one successful capture and one event. The
whole matrix runs here, on the in-memory unit of work; `tests/integration/
test_capture_faults.py` keeps a scenario of each kind on the full topology.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bc_subscriptions.ports.bigcommerce import BigCommerceError
from bc_subscriptions.services.order_status import StatusChange
from bc_subscriptions.services.payment_reactions import void_when_cancelled
from bc_subscriptions.services.shipments import on_shipment

from .capture_world import auth, renewed, retry, store, txs, voided_at_expiry
from .crashing import KINDS
from .world import MemoryWorld

CALLS = [
    ("POST", "/stores/*/v3/orders/*/payment_actions/capture"),
    ("GET", "/stores/*/v3/orders/*/transactions"),
]


def _ship(world: MemoryWorld, order_id: int) -> str:
    """One delivery of the shipment webhook; BigCommerce redelivers after a failure."""
    try:
        return on_shipment(world.store_hash, order_id, world.action_deps())
    except BigCommerceError as exc:
        return f"failed: {type(exc).__name__}"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("method", "path"), CALLS)
def test_a_capture_whose_call_fails_is_read_back_and_never_doubled(
    kind: str, method: str, path: str
) -> None:
    # Given an authorized on_ship renewal, and a fault on one call of its capture
    world = store("on_ship")
    order = renewed(world)
    world.emulator.faults.inject(method, path, kind, times=3)
    # When the shipment is processed, redelivered, and the sweep re-checks what is pending
    outcomes = [_ship(world, order["id"]) for _ in range(3)]
    world.emulator.faults.clear()
    outcomes.append(_ship(world, order["id"]))
    world.advance_clock(timedelta(minutes=20))
    world.sweep_authorizations()
    world.work()
    # Then there is exactly one capture, recorded once
    assert len(txs(world, order["id"], "capture")) == 1, outcomes
    assert auth(world).state == "captured", outcomes
    assert world.event_types().count("charge.captured") == 1


def test_a_capture_lost_before_bigcommerce_is_requested_again_by_the_sweep() -> None:
    # Given an authorized on_ship renewal whose capture request times out before BC saw it
    world = store("on_ship")
    order = renewed(world)
    world.emulator.faults.inject("POST", CALLS[0][1], "timeout_before")
    # When the shipment is processed (the outcome is unknown: the charge waits, pending)
    assert _ship(world, order["id"]).startswith("pending")
    assert auth(world).state == "capture_pending"
    # and the sweep looks again after the re-check delay
    world.advance_clock(timedelta(minutes=20))
    world.sweep_authorizations()
    # Then BigCommerce was asked once more (it never held the first request) and captured once
    assert len(txs(world, order["id"], "capture")) == 1
    assert auth(world).state == "captured"


def test_a_declined_capture_is_retried_after_reading_the_transactions() -> None:
    # Given an authorized on_ship renewal and a gateway that declines the first capture
    world = store("on_ship")
    order = renewed(world)
    world.emulator.set_capture_behavior(world.store_hash, "decline")
    # When it ships
    assert _ship(world, order["id"]).startswith("capture_declined")
    assert auth(world).state == "open"
    # and a sweep within the hour changes nothing
    world.emulator.set_capture_behavior(world.store_hash, "ok")
    world.sweep_authorizations()
    assert txs(world, order["id"], "capture") == []
    # Then the sweep after the retry delay captures it, once, whatever arrives afterwards
    world.advance_clock(timedelta(hours=1, minutes=5))
    world.sweep_authorizations()
    world.sweep_authorizations()
    assert _ship(world, order["id"]).startswith("delivery_unchanged")
    assert len(txs(world, order["id"], "capture", "error")) == 1
    assert len(txs(world, order["id"], "capture")) == 1
    assert auth(world).state == "captured"


@pytest.mark.parametrize("kind", KINDS)
def test_a_void_whose_call_fails_is_read_back_and_never_doubled(kind: str) -> None:
    # Given an authorized on_ship renewal whose order is cancelled, and a fault on the void
    world = store("on_ship")
    order = renewed(world)
    world.emulator.faults.inject(
        "POST", "/stores/*/v3/orders/*/payment_actions/void", kind, times=2
    )
    void = void_when_cancelled(world.action_deps)
    change = StatusChange(world.store_hash, order["id"], 11, 5)
    # When the status webhook is processed (and redelivered), and the sweep re-checks
    outcomes = []
    for _ in range(3):
        try:
            outcomes.append(void(change))
        except BigCommerceError as exc:
            outcomes.append(type(exc).__name__)
    world.advance_clock(timedelta(minutes=20))
    world.sweep_authorizations()
    world.work()
    # Then it was voided exactly once and recorded once
    assert len(txs(world, order["id"], "void")) == 1, outcomes
    assert auth(world).state == "voided", outcomes
    assert world.event_types().count("charge.voided") == 1


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/stores/*/v2/orders"),
        ("POST", "/stores/*/v3/payments/access_tokens"),
        ("POST", "/stores/*/payments"),
    ],
)
def test_a_fault_on_the_replacement_order_still_makes_one_order_paid_once(
    method: str, path: str, kind: str
) -> None:
    # Given a cycle sent back to dunning by a void at expiry, and a fault on the retry's call
    world, order = voided_at_expiry()
    world.emulator.faults.inject(method, path, kind, times=1)
    # When the retry runs into it and later sweeps run
    retry(world)
    for _ in range(2):
        world.advance_clock(timedelta(minutes=10))
        world.sweep()
        world.work()
    # Then one replacement order, authorized once; the voided order got nothing more
    [first, replacement] = world.renewal_orders()
    assert first["id"] == order["id"]
    assert len(txs(world, replacement["id"], "authorization")) == 1
    events = [t["event"] for t in world.emulator.transactions(world.store_hash, order["id"])]
    assert events == ["authorization", "void"]
    [sub] = world.subscriptions()
    assert (sub.status.value, sub.next_cycle) == ("active", 3)
    assert world.event_types().count("charge.succeeded") == 2
