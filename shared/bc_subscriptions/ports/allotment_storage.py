"""Storage port of allotment grants: a grant, its debits and its events in one partition.

A change is one transaction: the grant (conditional on the version read), the debit it adds
or reverses, and the grant's new events. Two debits racing for one balance: one commits, the
other gets `ConcurrencyConflict` and reads again. A debit from an order (or a charge) has an
id derived from that source, so the same order can never debit one grant twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import msgspec

if TYPE_CHECKING:
    from ..domain.allotments import AllotmentDebit, AllotmentGrant


class GrantRecord(msgspec.Struct, frozen=True):
    """A grant as read, with the version a change of it must still find."""

    grant: AllotmentGrant
    version: int


class GrantChange(msgspec.Struct, frozen=True):
    """One transaction: the grant (new when `version` is None), at most one debit added
    (must not exist yet) and at most one debit saved (a reversal)."""

    grant: AllotmentGrant
    version: int | None
    added_debit: AllotmentDebit | None = None
    saved_debit: AllotmentDebit | None = None


class GrantPage(msgspec.Struct, frozen=True):
    grants: list[AllotmentGrant]
    cursor: str | None


class GrantDue(msgspec.Struct, frozen=True):
    """A row of the sparse refresh index: a grant whose next period has begun."""

    store_hash: str
    grant_id: str
    due_at: datetime


class InvalidGrantCursor(ValueError):
    """A list cursor that this store's grant list did not hand out."""


class AllotmentRepository(Protocol):
    def get(self, store_hash: str, grant_id: str) -> GrantRecord | None: ...
    def debit(self, store_hash: str, grant_id: str, debit_id: str) -> AllotmentDebit | None: ...
    def debits(self, store_hash: str, grant_id: str, *, limit: int) -> list[AllotmentDebit]:
        """The grant's debits, oldest first (ids sort by time or by source)."""
        ...

    def page(
        self, store_hash: str, *, customer_id: int | None, cursor: str | None, limit: int
    ) -> GrantPage:
        """The store's grants (one customer's when given), ordered by customer then grant."""
        ...

    def debits_of_order(self, store_hash: str, order_id: int) -> list[tuple[str, str]]:
        """(grant id, debit id) of every debit an order made, for its refund to reverse."""
        ...

    def write(self, change: GrantChange) -> None:
        """All of it or nothing: `ConcurrencyConflict` when the grant moved on since it was
        read, it already exists (new), or the added debit already exists."""
        ...


class AllotmentDueReader(Protocol):
    def stores(self) -> Iterator[str]: ...
    def due(self, now: datetime, store_hash: str) -> Iterator[GrantDue]:
        """The store's grants whose refresh is due at or before `now`, shard by shard."""
        ...
