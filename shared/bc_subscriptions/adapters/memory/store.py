"""The committed records of every store, shared by the in-memory units of work over them.

Records are keyed as the DynamoDB table keys them (same key builders), so what collides there
collides here: two events with one sequence number, two links of one order.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import msgspec

from ...ports.storage import ConcurrencyConflict, StoredEvent
from ..dynamodb import keys

# DynamoDB's TransactWriteItems limit; the DynamoDB unit of work refuses more before sending.
MAX_TRANSACTION_ITEMS = 100


def second(value: datetime) -> datetime:
    """A time as DynamoDB items keep it: to the second."""
    return datetime.strptime(keys.timestamp(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class Row(msgspec.Struct):
    """One stored record: its value as the domain reads it back, and its lock version."""

    value: Any
    version: int | None = None


class Seen(msgspec.Struct):
    """The version a unit of work read (or staged) of a record; a commit moves it on, as
    pynamodb moves a saved item's version attribute on after its transaction succeeds."""

    version: int | None


class Write(msgspec.Struct):
    """One staged write. `versioned`: the record carries a lock version checked against
    `seen`; `must_not_exist`: an add; `counter_limit`: a counter increment below a limit."""

    key: tuple[str, str]
    value: Any = None
    must_not_exist: bool = False
    versioned: bool = False
    seen: Seen | None = None
    counter_limit: int | None = None
    event: StoredEvent | None = None


class MemoryStore:
    """Thread-safe: a commit checks every condition and applies every write under one lock.

    Rows are kept per partition, partitions in key order, so a read, a partition's query and a
    prefix scan cost what they return rather than the size of the table (benches hold many).
    """

    def __init__(self) -> None:
        self._partitions: dict[str, dict[str, Row]] = {}
        self._pks: list[str] = []  # sorted partition keys
        self._events: list[StoredEvent] = []
        self._lock = threading.Lock()
        # The requests a DynamoDB table would have had, per operation (benches count them).
        self.reads = 0
        self.queries = 0
        self.transactions = 0

    def read(self, key: tuple[str, str]) -> Row | None:
        with self._lock:
            self.reads += 1
            row = self._get(key)
            return None if row is None else Row(row.value, row.version)

    def query(self, pk: str, low: str, high: str) -> list[tuple[str, Row]]:
        """Rows of partition `pk` with low <= sort key <= high, in sort key order."""
        with self._lock:
            self.queries += 1
            rows = self._partitions.get(pk, {})
            found = [
                (sk, Row(row.value, row.version)) for sk, row in rows.items() if low <= sk <= high
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

    def delete(self, key: tuple[str, str]) -> None:
        """Remove one row outside any transaction (absent: nothing happens)."""
        with self._lock:
            partition = self._partitions.get(key[0])
            if partition is not None:
                partition.pop(key[1], None)

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

    def events_after(self, position: int) -> list[StoredEvent]:
        """Every store's events committed after the first `position`, in commit order: what a
        stream reader that has taken `position` records so far reads next."""
        with self._lock:
            return self._events[position:]

    def keys(self) -> Iterable[tuple[str, str]]:
        with self._lock:
            return [(pk, sk) for pk in self._pks for sk in sorted(self._partitions[pk])]

    def scan(self, pk_prefix: str, sk_prefix: str = "") -> list[tuple[tuple[str, str], Row]]:
        """Every row whose keys start so, in key order (what a sparse index would list)."""
        with self._lock:
            self.queries += 1
            first = bisect.bisect_left(self._pks, pk_prefix)
            found: list[tuple[tuple[str, str], Row]] = []
            for pk in self._pks[first:]:
                if not pk.startswith(pk_prefix):
                    break
                found.extend(
                    ((pk, sk), Row(row.value, row.version))
                    for sk, row in self._partitions[pk].items()
                    if sk.startswith(sk_prefix)
                )
        return sorted(found, key=lambda pair: pair[0])

    def _get(self, key: tuple[str, str]) -> Row | None:
        partition = self._partitions.get(key[0])
        return None if partition is None else partition.get(key[1])

    def _put(self, key: tuple[str, str], row: Row) -> None:
        partition = self._partitions.get(key[0])
        if partition is None:
            partition = self._partitions[key[0]] = {}
            bisect.insort(self._pks, key[0])
        partition[key[1]] = row

    def _holds(self, write: Write) -> bool:
        row = self._get(write.key)
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
            row = self._get(write.key)
            self._put(write.key, Row((0 if row is None else int(row.value)) + 1))
            return
        version = None
        if write.versioned:
            seen = write.seen.version if write.seen is not None else None
            version = (seen or 0) + 1
        self._put(write.key, Row(write.value, version))
        if write.event is not None:
            self._events.append(write.event)
