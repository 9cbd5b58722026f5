"""Renewals paid by authorization and captured later, on the in-memory world (the service-level
counterparts of `tests/integration/test_capture_timing.py`'s helpers)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bc_subscriptions.domain.authorization import Authorization
from bc_subscriptions.services.tenant_settings import update_tenant_config

from .world import MemoryWorld


def store(timing: str, gateway: str = "authorization", **extra: Any) -> MemoryWorld:
    world = MemoryWorld.create(gateway_mode=gateway)
    overrides = json.dumps({"capture_timing": timing, **extra})
    update_tenant_config(world.uow(), world.store_hash, overrides)
    return world


def renewed(world: MemoryWorld) -> dict[str, Any]:
    world.subscribe()
    world.renew()
    [order] = world.renewal_orders()
    return order


def txs(world: MemoryWorld, order_id: int, event: str, status: str = "ok") -> list[dict[str, Any]]:
    return [
        t
        for t in world.emulator.transactions(world.store_hash, order_id)
        if t["event"] == event and t["status"] == status
    ]


def auth(world: MemoryWorld) -> Authorization:
    [charge] = world.charges()
    assert charge.authorization is not None
    return charge.authorization


def voided_at_expiry() -> tuple[MemoryWorld, dict[str, Any]]:
    """An authorized on_ship renewal that never ships, voided by the sweep (run twice)."""
    world = store("on_ship", auth_expiry_action="void")
    order = renewed(world)
    world.advance_clock(timedelta(days=6, hours=1))
    world.sweep_authorizations()
    world.sweep_authorizations()
    world.work()
    return world, order


def retry(world: MemoryWorld) -> None:
    """Move to the dunning retry and let the renewal sweep run (twice: nothing doubles)."""
    [sub] = world.subscriptions()
    assert sub.dunning is not None and sub.dunning.next_retry_at is not None
    world.advance_clock(sub.dunning.next_retry_at - world.clock.now() + timedelta(minutes=1))
    for _ in range(2):
        world.sweep()
        world.work()
