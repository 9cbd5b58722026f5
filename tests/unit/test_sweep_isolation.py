"""One store's or one row's failure in a sweep is logged and counted; the others go on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from bc_subscriptions.ports.storage import AuthorizationDue, Endpoint, StoredEvent
from bc_subscriptions.services.auth_expiry_sweep import sweep_authorizations
from bc_subscriptions.services.outbox_relay import catch_up
from bc_subscriptions.services.payment_actions import ActionDeps
from bc_subscriptions.services.reconciliation import StoreReconciliation, reconcile_stores

from .factories import NOW


class _Index:
    def __init__(self, *stores: str) -> None:
        self.rows = [AuthorizationDue(s, f"sub_{s}", 2) for s in stores]

    def due(self, now: object) -> Iterator[AuthorizationDue]:
        yield from self.rows


class _Subscriptions:
    def __init__(self, looked_up: list[str]) -> None:
        self.looked_up = looked_up

    def get(self, store_hash: str, subscription_id: str) -> None:
        if store_hash == "uninstalled":
            # What the container's token lookup raises for a store that is not installed.
            raise LookupError(f"store {store_hash} is not installed")
        if store_hash == "broken":
            raise ValueError("a record we cannot read")
        self.looked_up.append(store_hash)


class _Uow:
    def __init__(self, looked_up: list[str]) -> None:
        self.subscriptions = _Subscriptions(looked_up)
        self.charges = self

    def get(self, *_: object) -> None:
        return None

    def __enter__(self) -> _Uow:
        return self

    def __exit__(self, *_: object) -> None:
        return None


def test_an_uninstalled_store_does_not_stop_the_auth_expiry_sweep_for_other_stores() -> None:
    # Given the shared index holds an authorization of an uninstalled store before others
    looked_up: list[str] = []
    index = _Index("uninstalled", "store1", "broken", "store2")

    def deps() -> ActionDeps:
        return ActionDeps(cast(Any, _Uow(looked_up)), cast(Any, None), cast(Any, None))

    # When the sweep runs
    result = sweep_authorizations(NOW, index=index, deps=deps, time_left_ms=lambda: 60_000)
    # Then every other store's authorization was looked at, and the failures were counted
    assert looked_up == ["store1", "store2"]
    assert result.seen == 4
    assert result.outcomes == {"store_not_installed": 1, "gone": 2, "failed": 1}


class _Outbox:
    shards = 2

    def __init__(self) -> None:
        self.relayed: list[str] = []

    def pending(self, older_than: object, shard: int, limit: int) -> Iterator[StoredEvent]:
        if shard == 1:
            raise RuntimeError("this shard cannot be read")
        for store in ("poisoned", "store1"):
            yield StoredEvent(store, "sub_1", 1, f"evt_{store}", "subscription.created", "{}")

    def mark_relayed(self, event: StoredEvent) -> None:
        self.relayed.append(event.event_id)


class _Endpoints:
    def list(self, store_hash: str) -> list[Endpoint]:
        if store_hash == "poisoned":
            raise ValueError("an endpoint record we cannot read")
        return []


def test_one_event_that_cannot_be_relayed_does_not_stop_the_outbox_catch_up() -> None:
    # Given a pending event whose relay fails before another one, and an unreadable shard
    outbox = _Outbox()
    # When catch-up runs
    result = catch_up(NOW, outbox=outbox, endpoints=_Endpoints(), queue=cast(Any, None))
    # Then the other event was relayed, and both failures were counted (not complete)
    assert outbox.relayed == ["evt_store1"]
    assert (result.relayed, result.failed, result.complete) == (1, 2, False)


class _Stores:
    def installed_after(self, cursor: str, limit: int) -> list[str]:
        return ["store1", "store2", "store3"]


class _Cursors:
    def __init__(self) -> None:
        self.saved: dict[str, str] = {}

    def get(self, sweep: str) -> str:
        return ""

    def put(self, sweep: str, cursor: str) -> None:
        self.saved[sweep] = cursor


def test_any_failure_of_one_store_does_not_stop_the_reconciliation_of_the_others() -> None:
    # Given the second store fails with an error that is neither BigCommerce's nor a lookup
    reconciled: list[str] = []

    def reconcile(store_hash: str) -> StoreReconciliation:
        if store_hash == "store2":
            raise ValueError("an answer we cannot read")
        reconciled.append(store_hash)
        return StoreReconciliation(store_hash, orders_seen=1, caught_up=True)

    # When the sweep runs
    cursors = _Cursors()
    summary = reconcile_stores(
        stores=_Stores(), cursors=cursors, reconcile=reconcile, time_left_ms=lambda: 900_000
    )
    # Then the stores after it were reconciled and the failure was counted
    assert reconciled == ["store1", "store3"]
    assert (summary.stores, summary.failed_stores, summary.orders_seen) == (3, 1, 2)
