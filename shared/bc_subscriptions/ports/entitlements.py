"""Entitlement storage: items staged on a unit of work, so a transition, its events and the
holder's group ledger land in one transaction; plus the store's outstanding work list.

Entitlements live in their subscription's partition (`ENTITLEMENT#{key}`), the group ledger in
the store's (`ENTLEDGER#{customer}`), and the work list in its own per-store partition: a
ledger with a change to apply at the provider, or an ended subscription waiting for its cancel
grace. The sweep reads only that list, so it costs what is outstanding, not what exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import msgspec

if TYPE_CHECKING:
    from ..domain.entitlements import Entitlement, GroupLedger


class WorkItem(msgspec.Struct, frozen=True):
    """Something outstanding: a customer's ledger to apply, or a subscription's revocation
    due at `due_at`. Written with the change that made it; cleared once done."""

    store_hash: str
    customer_id: int | None = None
    subscription_id: str | None = None
    due_at: datetime | None = None


class EntitlementRepository(Protocol):
    """Reads are immediate; `add`, `save`, `add_ledger`, `save_ledger` and `mark` are staged
    and land with the unit of work's `commit()` (saves refused when someone else wrote first)."""

    def for_subscription(self, store_hash: str, subscription_id: str) -> list[Entitlement]: ...
    def add(self, ent: Entitlement) -> None: ...
    def save(self, ent: Entitlement) -> None: ...
    def ledger(self, store_hash: str, customer_id: int) -> GroupLedger | None: ...
    def add_ledger(self, ledger: GroupLedger) -> None: ...
    def save_ledger(self, ledger: GroupLedger) -> None: ...
    def mark(self, item: WorkItem) -> None: ...


class EntitlementWork(Protocol):
    """The store's outstanding entitlement work, read and cleared outside any transaction."""

    def outstanding(self, store_hash: str, limit: int) -> list[WorkItem]: ...
    def clear(self, item: WorkItem) -> None: ...
