"""Outbound webhook throughput through the local stack: events in, signed deliveries out."""

from __future__ import annotations

import time

from .stack import LocalStack

EVENTS = 200
ENDPOINTS = 2


def delivery_rows() -> list[tuple[str, str]]:
    """Deliveries per second from outbox insert to a verified POST (stream, relay, queue, sign).

    Each event is written as a subscription's state change would write it; every endpoint of
    the store takes every type, so EVENTS x ENDPOINTS deliveries are made and verified.
    """
    with LocalStack() as stack:
        # The table's settings exist once the stack is up.
        from bc_subscriptions.bootstrap import container
        from bc_subscriptions.domain.events import SUBSCRIPTION_RENEWED, DomainEvent

        stack.install_store("bench")
        for _ in range(ENDPOINTS):
            stack.register_endpoint("bench")
        c, now = container(), stack.now()
        events = [
            DomainEvent(
                id=f"evt_sub_bench{i:05d}_000001",
                type=SUBSCRIPTION_RENEWED,
                store_hash="bench",
                subscription_id=f"sub_bench{i:05d}",
                seq=1,
                occurred_at=now,
                data={"cycle": 2, "order_id": 1000 + i, "next_renewal_at": "2027-01-01T00:00:00Z"},
            )
            for i in range(EVENTS)
        ]
        with c.unit_of_work() as uow:
            for start in range(0, EVENTS, 50):
                uow.stage_events(events[start : start + 50])
                uow.commit()
        started = time.perf_counter()
        stack.pump()
        elapsed = time.perf_counter() - started
        delivered = sum(1 for r in stack.receiver.received if r.verified)
    return [
        (
            f"webhook deliveries/s ({EVENTS} events x {ENDPOINTS} endpoints, local stack)",
            f"{delivered / elapsed:.0f} ({delivered} verified in {elapsed:.1f} s)",
        )
    ]
