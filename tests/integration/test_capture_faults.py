"""Capture and void under faults: the transactions are read before any second request.

Whatever fails around the capture (timeouts and 5xx before or after BigCommerce applied it,
a declined capture), retrying ends with exactly one successful capture and one event.
The whole matrix runs on the in-memory unit of work (`tests/services/test_capture_faults.py`);
here a scenario of each kind runs through the whole topology.
"""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest

from bc_subscriptions.bootstrap import container
from bc_subscriptions.ports.bigcommerce import BigCommerceError
from bc_subscriptions.ports.storage import UnitOfWork
from bc_subscriptions.services.order_status import StatusChange
from bc_subscriptions.services.payment_actions import ActionDeps
from bc_subscriptions.services.payment_reactions import void_when_cancelled
from bc_subscriptions.services.shipments import on_shipment
from devstack.stack import LocalStack

from .test_capture_timing import _auth, _renewed, _retry, _store, _txs, _voided_at_expiry

CALLS = [
    ("POST", "/stores/*/v3/orders/*/payment_actions/capture"),
    ("GET", "/stores/*/v3/orders/*/transactions"),
]


def _deps() -> ActionDeps:
    c = container()
    return ActionDeps(cast(UnitOfWork, c.unit_of_work()), c.bigcommerce, c.clock)


def _ship(store_hash: str, order_id: int) -> str:
    """One delivery of the shipment webhook; BigCommerce redelivers after a failure."""
    try:
        return on_shipment(store_hash, order_id, _deps())
    except BigCommerceError as exc:
        return f"failed: {type(exc).__name__}"


@pytest.mark.parametrize("kind", ["timeout_after"])
@pytest.mark.parametrize(("method", "path"), CALLS[:1])
def test_a_capture_whose_call_fails_is_read_back_and_never_doubled(
    stack: LocalStack, kind: str, method: str, path: str
) -> None:
    # Given an authorized on_ship renewal, and a fault on one call of its capture
    world = _store(stack, "on_ship")
    order = _renewed(world)
    stack.emulator.faults.inject(method, path, kind, times=3)
    # When the shipment is processed, redelivered, and the sweep re-checks what is pending
    outcomes = [_ship(world.store_hash, order["id"]) for _ in range(3)]
    stack.emulator.faults.clear()
    outcomes.append(_ship(world.store_hash, order["id"]))
    stack.advance_clock(timedelta(minutes=20))
    stack.fire("AuthExpirySweepFunction")
    stack.pump()
    # Then there is exactly one capture, recorded once
    assert len(_txs(world, order["id"], "capture")) == 1, outcomes
    assert _auth(world)["state"] == "captured", outcomes
    assert world.event_types().count("charge.captured") == 1


def test_a_capture_lost_before_bigcommerce_is_requested_again_by_the_sweep(
    stack: LocalStack,
) -> None:
    # Given an authorized on_ship renewal whose capture request times out before BC saw it
    world = _store(stack, "on_ship")
    order = _renewed(world)
    stack.emulator.faults.inject("POST", CALLS[0][1], "timeout_before")
    # When the shipment is processed (the outcome is unknown: the charge waits, pending)
    assert _ship(world.store_hash, order["id"]).startswith("pending")
    assert _auth(world)["state"] == "capture_pending"
    # and the sweep looks again after the re-check delay
    stack.advance_clock(timedelta(minutes=20))
    stack.fire("AuthExpirySweepFunction")
    # Then BigCommerce was asked once more (it never held the first request) and captured once
    assert len(_txs(world, order["id"], "capture")) == 1
    assert _auth(world)["state"] == "captured"


def test_a_declined_capture_is_retried_after_reading_the_transactions(
    stack: LocalStack,
) -> None:
    # Given an authorized on_ship renewal and a gateway that declines the first capture
    world = _store(stack, "on_ship")
    order = _renewed(world)
    stack.emulator.set_capture_behavior(world.store_hash, "decline")
    # When it ships
    assert _ship(world.store_hash, order["id"]).startswith("capture_declined")
    assert _auth(world)["state"] == "open"
    # and a sweep within the hour changes nothing
    stack.emulator.set_capture_behavior(world.store_hash, "ok")
    stack.fire("AuthExpirySweepFunction")
    assert _txs(world, order["id"], "capture") == []
    # Then the sweep after the retry delay captures it, once, whatever arrives afterwards
    stack.advance_clock(timedelta(hours=1, minutes=5))
    stack.fire("AuthExpirySweepFunction")
    stack.fire("AuthExpirySweepFunction")
    assert _ship(world.store_hash, order["id"]).startswith("delivery_unchanged")
    assert len(_txs(world, order["id"], "capture", "error")) == 1
    assert len(_txs(world, order["id"], "capture")) == 1
    assert _auth(world)["state"] == "captured"


@pytest.mark.parametrize("kind", ["5xx_after"])
def test_a_void_whose_call_fails_is_read_back_and_never_doubled(
    stack: LocalStack, kind: str
) -> None:
    # Given an authorized on_ship renewal whose order is cancelled, and a fault on the void
    world = _store(stack, "on_ship")
    order = _renewed(world)
    stack.emulator.faults.inject(
        "POST", "/stores/*/v3/orders/*/payment_actions/void", kind, times=2
    )
    void = void_when_cancelled(_deps)
    change = StatusChange(world.store_hash, order["id"], 11, 5)
    # When the status webhook is processed (and redelivered), and the sweep re-checks
    outcomes = []
    for _ in range(3):
        try:
            outcomes.append(void(change))
        except BigCommerceError as exc:
            outcomes.append(type(exc).__name__)
    stack.advance_clock(timedelta(minutes=20))
    stack.fire("AuthExpirySweepFunction")
    stack.pump()
    # Then it was voided exactly once and recorded once
    assert len(_txs(world, order["id"], "void")) == 1, outcomes
    assert _auth(world)["state"] == "voided", outcomes
    assert world.event_types().count("charge.voided") == 1


@pytest.mark.parametrize("kind", ["timeout_after"])
@pytest.mark.parametrize(("method", "path"), [("POST", "/stores/*/payments")])
def test_a_fault_on_the_replacement_order_still_makes_one_order_paid_once(
    stack: LocalStack, method: str, path: str, kind: str
) -> None:
    # Given a cycle sent back to dunning by a void at expiry, and a fault on the retry's call
    world, order = _voided_at_expiry(stack)
    stack.emulator.faults.inject(method, path, kind, times=1)
    # When the retry runs into it and later sweeps run
    _retry(world)
    for _ in range(2):
        stack.advance_clock(timedelta(minutes=10))
        stack.fire("RenewalSweepFunction")
        stack.pump()
    # Then one replacement order, authorized once; the voided order got nothing more
    [first, replacement] = world.renewal_orders()
    assert first["id"] == order["id"]
    assert len(_txs(world, replacement["id"], "authorization")) == 1
    events = [t["event"] for t in world.emulator.transactions(world.store_hash, order["id"])]
    assert events == ["authorization", "void"]
    [sub] = world.of_kind("subscription")
    assert (sub["status"], sub["next_cycle"]) == ("active", 3)
    assert world.event_types().count("charge.succeeded") == 2
