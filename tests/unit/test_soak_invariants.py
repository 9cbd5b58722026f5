"""The soak's invariants: each holds for a sound month and fails for a month that broke it."""

import json
from typing import Any

import pytest

from devstack.bench_soak import (
    SoakReport,
    check_deliveries,
    check_nothing_stuck,
    check_orders_and_payments,
    check_refunds,
    check_subscriptions,
    check_webhooks_processed,
)
from devstack.merchant_receiver import Received


def _order(order_id: int, sub: str = "sub_1", cycle: int = 2) -> dict[str, Any]:
    return {"id": order_id, "external_order_id": f"bcsub-{sub}-c{cycle}"}


def _paid(event: str = "purchase") -> dict[str, Any]:
    return {"status": "ok", "event": event}


def _charge(stage: str = "completed", order_id: int | None = 1, **doc: Any) -> dict[str, Any]:
    charge = {"kind": "charge", "subscription_id": "sub_1", "cycle": 2, "stage": stage}
    return {**charge, "bc_order_id": order_id, "doc": json.dumps({"refund_ids": [7], **doc})}


def _refunded(refund_id: int = 7) -> dict[str, Any]:
    envelope = {"type": "charge.refunded", "data": {"order_id": 1, "refund_id": refund_id}}
    return {"kind": "event", "event_id": f"evt_r{refund_id}", "type": "charge.refunded"} | {
        "envelope": json.dumps(envelope)
    }


def _delivery(webhook_id: str = "evt_1", verified: bool = True, n: int = 1) -> Received:
    return Received(webhook_id, "charge.succeeded", {"type": "charge.succeeded", "n": n}, verified)


SUBS = {"sub_1": {"kind": "subscription"}}
EVENTS = [{"kind": "event", "event_id": "evt_1", "type": "charge.succeeded"}, _refunded()]


def _month(**broken: Any) -> SoakReport:
    """One subscription renewed once, paid, its one event delivered; `broken` replaces a part."""
    world: dict[str, Any] = {
        "subs": SUBS,
        "checkouts": 1,
        "items": [_charge()],
        "orders": [_order(1)],
        "payments": {1: [_paid()]},
        "received": [_delivery(), _delivery("evt_r7")],
        "events": EVENTS,
        "refunds": [(1, 7)],  # the merchant refunded the renewal order once
        "inbox": ["processed", "processed", "given_up"],
        "stuck": [],
        "dead_letters": {"RenewalDLQ": 0, "WebhookDeliveryDLQ": 0, "BcWebhookDLQ": 0},
    } | broken
    rep = SoakReport()
    check_subscriptions(rep, world["subs"], world["checkouts"])
    check_orders_and_payments(
        rep, world["subs"], world["items"], world["orders"], world["payments"]
    )
    check_deliveries(rep, world["received"], world["events"])
    check_refunds(rep, world["refunds"], world["items"], world["events"])
    check_webhooks_processed(rep, world["inbox"])
    check_nothing_stuck(rep, world["stuck"], world["dead_letters"])
    return rep


class _Stuck:
    subscription = type("S", (), {"id": "sub_1"})()
    diagnosis = "claimed and never finished"


BROKEN_MONTHS = {
    "every checkout became one subscription": {"checkouts": 2},
    "one BigCommerce order per (subscription, cycle)": {
        "orders": [_order(1), _order(2)],
        "payments": {1: [_paid()], 2: []},
    },
    "at most one successful payment per (subscription, cycle)": {
        "payments": {1: [_paid("authorization"), _paid("purchase")]}
    },
    "every renewal order belongs to a recorded charge": {"items": []},
    "a completed charge was paid exactly once": {"payments": {1: []}},
    "every charge with an order has exactly that order in BigCommerce": {"orders": []},
    "every delivery verifies": {"received": [_delivery(verified=False)]},
    "every event delivered at least once": {"received": [_delivery("evt_other")]},
    "one body per webhook-id (stable across retries)": {
        "received": [_delivery(n=1), _delivery(n=2)]
    },
    "no renewal stuck past its due time": {"stuck": [_Stuck()]},
    "every refund recorded on its charge once": {"items": [_charge(refund_ids=[7, 7])]},
    "one charge.refunded per refund": {"events": [EVENTS[0], _refunded(), _refunded()]},
    "every accepted BigCommerce webhook processed": {"inbox": ["processed", "failed"]},
    "RenewalDLQ is empty": {"dead_letters": {"RenewalDLQ": 1, "WebhookDeliveryDLQ": 0}},
    "WebhookDeliveryDLQ is empty": {"dead_letters": {"RenewalDLQ": 0, "WebhookDeliveryDLQ": 3}},
    "BcWebhookDLQ is empty": {"dead_letters": {"BcWebhookDLQ": 2}},
}


def test_a_sound_month_passes_every_invariant() -> None:
    # Given / When
    rep = _month()
    # Then every invariant was checked and none was violated
    assert rep.violations == []
    assert set(rep.checks) == set(BROKEN_MONTHS)


@pytest.mark.parametrize("invariant", sorted(BROKEN_MONTHS))
def test_each_invariant_fails_for_a_month_that_broke_it(invariant: str) -> None:
    # Given a month broken in one way / When it is checked
    rep = _month(**BROKEN_MONTHS[invariant])
    # Then that invariant is among the violations
    assert any(v.startswith(f"{invariant}: ") for v in rep.violations), rep.violations


def test_a_declined_or_fulfilment_only_charge_need_not_be_paid() -> None:
    # Given a fulfilment-only charge completed without a payment, and a declined one with none
    items = [_charge(fulfilment_only=True)]
    # When / Then
    assert _month(items=items, payments={1: []}).violations == []
    assert _month(items=[_charge(stage="declined")], payments={1: []}).violations == []
