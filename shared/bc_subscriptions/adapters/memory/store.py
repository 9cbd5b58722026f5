"""The committed records of every store, shared by the in-memory units of work over them.

Records are keyed as the DynamoDB table keys them (same key builders), so what collides there
collides here: two events with one sequence number, two links of one order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ...ports.storage import ConcurrencyConflict, StoredEvent

# DynamoDB's TransactWriteItems limit; the DynamoDB unit of work refuses more before sending.
MAX_TRANSACTION_ITEMS = 100


@dataclass
class Row:
    """One stored record: its value as the domain reads it back, and its lock version."""

    value: Any
    version: int | None = None


@dataclass
class Seen:
    """The version a unit of work read (or staged) of a record; a commit moves it on, as
    pynamodb moves a saved item's version attribute on after its transaction succeeds."""

    version: int | None


@dataclass
class Write:
    """One staged write. `versioned`: the record carries a lock version checked against
    `seen`; `must_not_exist`: an add; `counter_limit`: a counter increment below a limit."""

    key: tuple[str, str]
    value: Any = None
    must_not_exist: bool = False
    versioned: bool = False
    seen: Seen | None = None
    counter_limit: int | None = None
    event: StoredEvent | None = None


@dataclass
class MemoryStore:
    """Thread-safe: a commit checks every condition and applies every write under one lock."""

    _rows: dict[tuple[str, str], Row] = field(default_factory=dict)
    _events: list[StoredEvent] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # What a DynamoDB table would have been asked for (benches count requests per operation).
    reads: int = 0
    queries: int = 0
    transactions: int = 0

    def read(self, key: tuple[str, str]) -> Row | None:
        with self._lock:
            self.reads += 1
            row = self._rows.get(key)
            return None if row is None else Row(row.value, row.version)

    def query(self, pk: str, low: str, high: str) -> list[tuple[str, Row]]:
        """Rows of partition `pk` with low <= sort key <= high, in sort key order."""
        with self._lock:
            self.queries += 1
            found = [
                (sk, Row(row.value, row.version))
                for (row_pk, sk), row in self._rows.items()
                if row_pk == pk and low <= sk <= high
            ]
        return sorted(found, key=lambda pair: pair[0])

    def apply(self, writes: list[Write]) -> None:
        """All writes or none: `ConcurrencyConflict` when any condition fails."""
        if len({w.key for w in writes}) != len(writes):
            # DynamoDB refuses a transaction naming one item twice (a validation error).
            raise ValueError("a transaction cannot include multiple operations on one item")
        with self._lock:
            self.transactions += 1
            for write in writes:
                if not self._holds(write):
                    raise ConcurrencyConflict(f"condition failed on {write.key[0]}/{write.key[1]}")
            for write in writes:
                self._land(write)

    def events(self, store_hash: str, subscription_id: str | None = None) -> list[StoredEvent]:
        """The store's committed events in the order they were written (one subscription's:
        its sequence order)."""
        with self._lock:
            return [
                e
                for e in self._events
                if e.store_hash == store_hash
                and (subscription_id is None or e.subscription_id == subscription_id)
            ]

    def keys(self) -> Iterable[tuple[str, str]]:
        with self._lock:
            return list(self._rows)

    def _holds(self, write: Write) -> bool:
        row = self._rows.get(write.key)
        if write.must_not_exist and row is not None:
            return False
        if write.counter_limit is not None:
            return row is None or int(row.value) < write.counter_limit
        if write.versioned:
            expected = write.seen.version if write.seen is not None else None
            if expected is None:
                return row is None or row.version is None
            return row is not None and row.version == expected
        return True

    def _land(self, write: Write) -> None:
        if write.counter_limit is not None:
            row = self._rows.get(write.key)
            self._rows[write.key] = Row((0 if row is None else int(row.value)) + 1)
            return
        version = None
        if write.versioned:
            seen = write.seen.version if write.seen is not None else None
            version = (seen or 0) + 1
        self._rows[write.key] = Row(write.value, version)
        if write.event is not None:
            self._events.append(write.event)
