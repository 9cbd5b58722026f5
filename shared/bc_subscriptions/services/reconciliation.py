"""Catch what webhooks missed: orders modified since a checkpoint, failed deliveries, hooks.

Work is bounded per run: a store reads at most `max_pages` pages of orders and resumes from
its checkpoint (window and page) next time; the sweep resumes after the last store it did.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

import msgspec

from ..observability import logger
from ..ports.bigcommerce import BigCommerce, Order
from ..ports.storage import Install, ParkedDelivery, ReconCheckpoint
from .bc_webhook_work import permanent_reason
from .capture_from_order import CaptureResult
from .install_store import HookRepair, ensure_hooks

LOOKBACK = timedelta(days=2)  # BigCommerce retries a delivery for about 48 hours
OVERLAP = timedelta(minutes=5)  # an order may be listed a little after its modified time
PAGE_SIZE = 100
ORDER_SCOPES = frozenset({"store/order/created", "store/order/statusUpdated"})
SWEEP = "reconciliation"

Capture = Callable[[str, int, Order | None], CaptureResult]


class Checkpoints(Protocol):
    def get(self, store_hash: str) -> ReconCheckpoint | None: ...
    def put(self, checkpoint: ReconCheckpoint) -> None: ...


class ParkedDeliveries(Protocol):
    def failed(self, store_hash: str, limit: int) -> list[ParkedDelivery]: ...
    def resolve(self, store_hash: str, delivery_hash: str) -> None: ...
    def give_up(self, store_hash: str, delivery_hash: str, reason: str) -> None: ...


class StoreReconciliation(msgspec.Struct):
    store_hash: str
    orders_seen: int = 0
    orders_captured: int = 0
    retried: int = 0
    retry_failed: int = 0  # parked deliveries that failed again (they stay parked)
    given_up: int = 0  # parked deliveries that can never succeed (recorded with the reason)
    hooks: HookRepair = msgspec.field(default_factory=HookRepair)
    caught_up: bool = False  # every order modified up to this run's window end was seen


def reconcile_store(
    install: Install,
    *,
    bc: BigCommerce,
    checkpoints: Checkpoints,
    parked: ParkedDeliveries,
    capture: Capture,
    webhook_secret: str,
    app_base_url: str,
    now: datetime,
    max_pages: int = 5,
    max_retries: int = 25,
) -> StoreReconciliation:
    store_hash = install.store_hash
    result = StoreReconciliation(store_hash)
    result.hooks = ensure_hooks(store_hash, webhook_secret, bc=bc, app_base_url=app_base_url)
    for delivery in parked.failed(store_hash, max_retries):
        _retry_parked(delivery, parked, capture, result)
    checkpoint = _window(install, checkpoints.get(store_hash), now)
    end = checkpoint.window_end or now
    try:
        for _ in range(max_pages):
            checkpoint, done = _read_page(checkpoint, end, bc, capture, result)
            if done:
                result.caught_up = True
                break
    finally:
        # Even after a failure: pages fully read stay read; the failed page is read again.
        checkpoints.put(checkpoint)
    return result


def _retry_parked(
    delivery: ParkedDelivery,
    parked: ParkedDeliveries,
    capture: Capture,
    result: StoreReconciliation,
) -> None:
    """One parked delivery; its failure is its own: the next one and the order listing run."""
    store_hash = delivery.store_hash
    try:
        if delivery.scope in ORDER_SCOPES:
            capture(store_hash, _order_id(delivery.resource_id), None)
        parked.resolve(store_hash, delivery.delivery_hash)
        result.retried += 1
    except Exception as exc:
        reason = _permanent(exc)
        if reason is None:
            logger.exception("parked delivery failed again", delivery_hash=delivery.delivery_hash)
            result.retry_failed += 1
            return
        logger.warning("parked delivery given up", delivery_hash=delivery.delivery_hash)
        parked.give_up(store_hash, delivery.delivery_hash, reason)
        result.given_up += 1


class _InvalidOrderId(Exception):
    pass


def _order_id(resource_id: str) -> int:
    """A BigCommerce order id (positive, 32-bit); anything else was never one."""
    if not (resource_id.isascii() and resource_id.isdigit() and len(resource_id) <= 10):
        raise _InvalidOrderId(resource_id)
    value = int(resource_id)
    if not 1 <= value <= 2**31 - 1:
        raise _InvalidOrderId(resource_id)
    return value


def _permanent(exc: Exception) -> str | None:
    if isinstance(exc, _InvalidOrderId):
        return "invalid_order_id"
    return permanent_reason(exc)


def _window(install: Install, checkpoint: ReconCheckpoint | None, now: datetime) -> ReconCheckpoint:
    """The window in progress, or a new one from the last end (never before the install)."""
    if checkpoint is not None and checkpoint.window_end is not None:
        return checkpoint
    since = checkpoint.since if checkpoint else now - LOOKBACK
    if install.changed_at is not None and install.changed_at > since:
        since = install.changed_at  # orders from before the (re)install are not ours to start
    return ReconCheckpoint(install.store_hash, since, now, 1)


def _read_page(
    checkpoint: ReconCheckpoint,
    end: datetime,
    bc: BigCommerce,
    capture: Capture,
    result: StoreReconciliation,
) -> tuple[ReconCheckpoint, bool]:
    store_hash, page = checkpoint.store_hash, checkpoint.page
    orders = bc.list_orders_modified_since(
        store_hash, _iso(checkpoint.since - OVERLAP), _iso(end), page=page, limit=PAGE_SIZE
    )
    for order in orders:
        result.orders_seen += 1
        if capture(store_hash, order.id, order).outcome == "created":
            result.orders_captured += 1
    if len(orders) < PAGE_SIZE:
        return ReconCheckpoint(store_hash, end), True
    return ReconCheckpoint(store_hash, checkpoint.since, end, page + 1), False


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


class InstalledStores(Protocol):
    def installed_after(self, cursor: str, limit: int) -> list[str]: ...


class Cursors(Protocol):
    def get(self, sweep: str) -> str: ...
    def put(self, sweep: str, cursor: str) -> None: ...


class SweepSummary(msgspec.Struct):
    stores: int = 0
    failed_stores: int = 0
    orders_seen: int = 0
    orders_captured: int = 0
    retried: int = 0
    retry_failed: int = 0
    given_up: int = 0
    hooks_repaired: int = 0
    complete: bool = True  # False: stores were left for the next run


def reconcile_stores(
    *,
    stores: InstalledStores,
    cursors: Cursors,
    reconcile: Callable[[str], StoreReconciliation],
    time_left_ms: Callable[[], int],
    reserve_ms: int = 60_000,
    max_stores: int = 50,
) -> SweepSummary:
    """Each installed store in turn, from where the last run stopped, while time allows."""
    summary, cursor = SweepSummary(), cursors.get(SWEEP)
    batch = stores.installed_after(cursor, max_stores)
    for store_hash in batch:
        if time_left_ms() < reserve_ms:
            summary.complete = False
            break
        try:
            done = reconcile(store_hash)
        except Exception:
            # One store's failure, whatever it is (an outage, an uninstall, an answer we cannot
            # read), must not starve the others; its checkpoint holds its place.
            logger.exception("store reconciliation failed", store_hash=store_hash)
            summary.failed_stores += 1
        else:
            summary.orders_seen += done.orders_seen
            summary.orders_captured += done.orders_captured
            summary.retried += done.retried
            summary.retry_failed += done.retry_failed
            summary.given_up += done.given_up
            summary.hooks_repaired += done.hooks.created + done.hooks.updated
            summary.complete &= done.caught_up
        summary.stores += 1
        cursor = store_hash
    if summary.stores == len(batch) and len(batch) < max_stores:
        cursor = ""  # a full round is done: start again from the first store
    else:
        summary.complete = False
    cursors.put(SWEEP, cursor)
    return summary
