"""Sweep cost against table size: 100k subscriptions with 1k due versus 1k with 1k due.

The sweep reads only the sparse, per-store DueIndex partitions up to `now`, so its cost should
follow what is due, not what exists (DESIGN.md section 9: within 1.2x).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from .stack import LocalStack

DUE = 1_000
SIZES = (1_000, 100_000)


class _CountingReader:
    """The real DueIndex reader, counting the index items it reads (what a Query bills)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.items = inner, 0

    def stores(self) -> Any:
        return self.inner.stores()

    def due(self, now: Any, store_hash: str) -> Any:
        for row in self.inner.due(now, store_hash):
            self.items += 1
            yield row


class _CountingQueue:
    def __init__(self) -> None:
        self.sent = 0

    def send_batch(self, bodies: list[str]) -> int:
        self.sent += len(bodies)
        return len(bodies)


def _fill(stack: LocalStack, store_hash: str, total: int) -> None:
    """`total` renewable subscriptions, of which `DUE` are due now (written directly, in bulk)."""
    from bc_subscriptions.adapters.dynamodb import keys
    from bc_subscriptions.adapters.dynamodb.models import SubscriptionItem
    from bc_subscriptions.bootstrap import container

    now, shards = stack.now(), container().settings.due_index_shards
    with SubscriptionItem.batch_write() as batch:
        for i in range(total):
            sub_id = f"sub_{i:07d}"
            due_at = now - timedelta(hours=1) if i < DUE else now + timedelta(days=1 + i % 27)
            due_pk, due_sk = keys.due_keys(store_hash, sub_id, due_at, shards)
            batch.save(
                SubscriptionItem(
                    keys.sub_pk(store_hash, sub_id),
                    keys.META,
                    store_hash=store_hash,
                    subscription_id=sub_id,
                    status="active",
                    customer_id=i + 1,
                    next_cycle=2,
                    doc="{}",
                    due_pk=due_pk,
                    due_sk=due_sk,
                    version=1,
                )
            )


def measure(count_aws_calls: Callable[[], Any]) -> dict[int, dict[str, float]]:
    """Per table size: DynamoDB requests, seconds and renewals enqueued by one sweep."""
    results: dict[int, dict[str, float]] = {}
    for total in SIZES:
        with LocalStack() as stack:
            # Imported once the stack has set the environment the table models read.
            from bc_subscriptions.bootstrap import container
            from bc_subscriptions.services.renewal_sweep import sweep_due_renewals

            stack.install_store("bench")
            _fill(stack, "bench", total)
            queue, reader = _CountingQueue(), _CountingReader(container().due_subscriptions)
            with count_aws_calls() as aws:
                started = time.perf_counter()
                result = sweep_due_renewals(stack.now(), due=reader, queue=queue)
                seconds = time.perf_counter() - started
            calls: Counter[str] = aws
            results[total] = {
                "dynamodb": sum(n for k, n in calls.items() if k.startswith("dynamodb:")),
                "seconds": seconds,
                "items": reader.items,
                "enqueued": result.enqueued,
            }
    return results


def rows(count_aws_calls: Callable[[], Any]) -> list[tuple[str, str]]:
    r = measure(count_aws_calls)
    small, large = r[SIZES[0]], r[SIZES[1]]

    def row(size: int, m: dict[str, float]) -> tuple[str, str]:
        return (
            f"sweep, {size:,} subscriptions / {DUE:,} due",
            f"{m['dynamodb']:.0f} DynamoDB requests, {m['items']:.0f} index items read,"
            f" {m['enqueued']:.0f} enqueued, {m['seconds']:.2f} s on moto",
        )

    return [
        row(SIZES[0], small),
        row(SIZES[1], large),
        (
            "sweep cost ratio, 100k vs 1k (budget 1.2x)",
            f"{large['dynamodb'] / small['dynamodb']:.2f}x requests,"
            f" {large['items'] / small['items']:.2f}x items read"
            f" ({large['seconds'] / small['seconds']:.2f}x moto wall time)",
        ),
    ]
