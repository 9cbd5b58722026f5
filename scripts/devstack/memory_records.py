"""The table's side records in memory, for the in-memory soak: endpoints, the inbox, the outbox
index, the delivery log, dead-letter records, checkpoints, cursors, the API budget, the vault.

The unit of work, the subscription reads and the due index are the shared in-memory adapters
(`bc_subscriptions.adapters.memory`, held to DynamoDB by the storage contract tests). These
are the rest of what the functions touch; each keeps the condition its DynamoDB adapter puts
on the write (first writer wins, update only what exists, one `endpoint.disabled`), because
those conditions are what makes a duplicate or a race harmless. They are not under the
storage contract: the soak on moto (`--storage moto`) keeps the DynamoDB ones soaked.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import msgspec.structs

from bc_subscriptions.adapters.dynamodb import keys
from bc_subscriptions.adapters.memory import MemoryStore, MemoryUnitOfWork
from bc_subscriptions.adapters.memory.store import Write
from bc_subscriptions.domain.api_budget import DEFAULT_REST_QUOTA, ApiBudget
from bc_subscriptions.domain.events import DomainEvent
from bc_subscriptions.ports.storage import (
    DeadLetter,
    DeadLetterPage,
    DeliveryAttempt,
    Endpoint,
    ParkedDelivery,
    ReconCheckpoint,
    StoredEvent,
)


def _second(value: datetime) -> datetime:
    """Timestamps are kept to the second, as the DynamoDB items keep them."""
    return datetime.strptime(keys.timestamp(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def stored_event(event: DomainEvent) -> StoredEvent:
    return StoredEvent(
        event.store_hash,
        event.subscription_id,
        event.seq,
        event.id,
        event.type,
        json.dumps(event.envelope(), separators=(",", ":")),
        endpoint_id=event.endpoint_id,
        occurred_at=_second(event.occurred_at),
    )


class MemoryVault:
    """A ciphertext opens only for the store it was sealed for, as KMS's encryption context."""

    def encrypt(self, store_hash: str, plaintext: str) -> str:
        raw = json.dumps({"s": store_hash, "p": plaintext[::-1]}).encode()
        return base64.b64encode(raw).decode()

    def decrypt(self, store_hash: str, ciphertext: str) -> str:
        doc = json.loads(base64.b64decode(ciphertext))
        if doc["s"] != store_hash:
            raise ValueError("ciphertext was sealed for another store")
        return str(doc["p"])[::-1]


class MemoryEndpoints:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store  # `endpoint.disabled` lands there, with the other events
        self._rows: dict[tuple[str, str], Endpoint] = {}
        self._lock = threading.Lock()

    def list(self, store_hash: str) -> list[Endpoint]:
        with self._lock:
            return [e for (s, _), e in sorted(self._rows.items()) if s == store_hash]

    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None:
        with self._lock:
            return self._rows.get((store_hash, endpoint_id))

    def put(self, endpoint: Endpoint) -> None:
        with self._lock:
            self._rows[(endpoint.store_hash, endpoint.endpoint_id)] = endpoint

    def delete(self, store_hash: str, endpoint_id: str) -> None:
        with self._lock:
            self._rows.pop((store_hash, endpoint_id), None)

    def mark_failing(self, store_hash: str, endpoint_id: str, since: datetime) -> None:
        with self._lock:
            found = self._rows.get((store_hash, endpoint_id))
            if found is not None and found.failing_since is None:
                self._rows[(store_hash, endpoint_id)] = msgspec.structs.replace(
                    found, failing_since=_second(since)
                )

    def mark_healthy(self, store_hash: str, endpoint_id: str) -> None:
        with self._lock:
            found = self._rows.get((store_hash, endpoint_id))
            if found is not None and found.failing_since is not None:
                self._rows[(store_hash, endpoint_id)] = msgspec.structs.replace(
                    found, failing_since=None
                )

    def disable(self, endpoint: Endpoint, reason: str, now: datetime) -> bool:
        """False when it was already disabled or changed meanwhile: one event only."""
        event = endpoint.disabled_event(reason, now)
        key = (endpoint.store_hash, endpoint.endpoint_id)
        with self._lock:
            found = self._rows.get(key)
            if found is None or not found.enabled or found.event_seq != endpoint.event_seq:
                return False
            self._rows[key] = msgspec.structs.replace(
                found,
                enabled=False,
                disabled_at=_second(now),
                disabled_reason=reason,
                event_seq=event.seq,
            )
        item_key = keys.event_key(event.store_hash, None, event.endpoint_id, event.seq)
        stored = stored_event(event)
        self._store.apply([Write(item_key, stored, must_not_exist=True, event=stored)])
        return True


@dataclasses.dataclass
class _InboxRow:
    scope: str
    resource_id: str
    status: str
    outcome: str | None = None
    reason: str | None = None


class MemoryInbox:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], _InboxRow] = {}
        self.parked: dict[tuple[str, str], _InboxRow] = {}
        self._lock = threading.Lock()

    def record(
        self, store_hash: str, delivery_hash: str, scope: str, resource_id: str, now: datetime
    ) -> bool:
        """New, or failed before: the first writer wins, as the conditional put does."""
        with self._lock:
            found = self.rows.get((store_hash, delivery_hash))
            if found is not None and found.status != "failed":
                return False
            self.rows[(store_hash, delivery_hash)] = _InboxRow(scope, resource_id, "received")
            return True

    def mark(
        self, store_hash: str, delivery_hash: str, status: str, outcome: str | None = None
    ) -> None:
        with self._lock:
            row = self.rows.setdefault((store_hash, delivery_hash), _InboxRow("", "", status))
            row.status = status
            if outcome is not None:
                row.outcome = outcome

    def status(self, store_hash: str, delivery_hash: str) -> str | None:
        with self._lock:
            found = self.rows.get((store_hash, delivery_hash))
            return None if found is None else found.status

    def give_up(self, store_hash: str, delivery_hash: str, reason: str) -> None:
        with self._lock:
            for table in (self.rows, self.parked):
                if (row := table.get((store_hash, delivery_hash))) is not None:
                    row.status, row.reason = "given_up", reason

    def park(
        self, store_hash: str, delivery_hash: str, scope: str, resource_id: str, now: datetime
    ) -> None:
        with self._lock:
            self.parked[(store_hash, delivery_hash)] = _InboxRow(scope, resource_id, "failed")

    def failed(self, store_hash: str, limit: int) -> list[ParkedDelivery]:
        with self._lock:
            found = [
                ParkedDelivery(s, h, row.scope, row.resource_id)
                for (s, h), row in sorted(self.parked.items())
                if s == store_hash and row.status == "failed"
            ]
        return found[:limit]

    def resolve(self, store_hash: str, delivery_hash: str) -> None:
        self.mark(store_hash, delivery_hash, "processed")
        with self._lock:
            if (row := self.parked.get((store_hash, delivery_hash))) is not None:
                row.status = "processed"


class MemoryOutbox:
    """The sparse PendingRelayIndex: an event is pending until the relay marks it relayed."""

    def __init__(self, store: MemoryStore, shards: int) -> None:
        self._store, self.shards = store, shards
        self.relayed: set[str] = set()
        self._lock = threading.Lock()

    def pending(self, older_than: datetime, shard: int, limit: int) -> Iterator[StoredEvent]:
        limit_at = keys.timestamp(older_than)
        with self._lock:
            relayed = set(self.relayed)
        rows = sorted(
            (keys.timestamp(e.occurred_at), e.event_id, e)
            for e in self._store.events_after(0)
            if e.event_id not in relayed
            and keys.timestamp(e.occurred_at) < limit_at
            and keys.shard_of(e.subscription_id or e.endpoint_id or "", self.shards) == shard
        )
        for _, _, event in rows[:limit]:
            yield event

    def mark_relayed(self, event: StoredEvent) -> None:
        with self._lock:
            self.relayed.add(event.event_id)


class MemoryEventLog:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def get(self, store_hash: str, event_id: str) -> StoredEvent | None:
        found = [e for e in self._store.events(store_hash) if e.event_id == event_id]
        return found[0] if found else None

    def between(self, store_hash: str, since: datetime, until: datetime) -> Iterator[StoredEvent]:
        low, high = keys.timestamp(since), keys.timestamp(until)
        events = self._store.events(store_hash)
        yield from sorted(
            (e for e in events if low <= keys.timestamp(e.occurred_at) <= high),
            key=lambda e: (keys.timestamp(e.occurred_at), e.event_id),
        )


class MemoryDeliveryLog:
    def __init__(self) -> None:
        self.attempts: list[DeliveryAttempt] = []
        self._lock = threading.Lock()

    def record(self, attempt: DeliveryAttempt) -> None:
        with self._lock:
            self.attempts.append(attempt)

    def list(self, store_hash: str, endpoint_id: str, limit: int = 50) -> list[DeliveryAttempt]:
        with self._lock:
            mine = [
                a
                for a in self.attempts
                if a.store_hash == store_hash and a.endpoint_id == endpoint_id
            ]
        return sorted(mine, key=lambda a: a.attempted_at, reverse=True)[:limit]


class MemoryDeadLetters:
    def __init__(self) -> None:
        self.letters: dict[tuple[str, str], DeadLetter] = {}
        self._lock = threading.Lock()

    def record(self, letter: DeadLetter) -> None:
        with self._lock:
            self.letters[(letter.store_hash, letter.dead_letter_id)] = letter

    def get(self, store_hash: str, dead_letter_id: str) -> DeadLetter | None:
        with self._lock:
            return self.letters.get((store_hash, dead_letter_id))

    def page(self, store_hash: str, *, cursor: str | None, limit: int) -> DeadLetterPage:
        with self._lock:
            mine = sorted(
                (d for (s, _), d in self.letters.items() if s == store_hash),
                key=lambda d: d.dead_letter_id,
                reverse=True,
            )
        if cursor:
            mine = [d for d in mine if d.dead_letter_id < cursor]
        more = len(mine) > limit
        return DeadLetterPage(mine[:limit], mine[limit - 1].dead_letter_id if more else None)

    def mark_redriven(self, store_hash: str, dead_letter_id: str, at: datetime) -> bool:
        with self._lock:
            found = self.letters.get((store_hash, dead_letter_id))
            if found is None or found.redriven_at is not None:
                return False
            self.letters[(store_hash, dead_letter_id)] = msgspec.structs.replace(
                found, redriven_at=_second(at)
            )
            return True

    def unmark_redriven(self, store_hash: str, dead_letter_id: str) -> None:
        with self._lock:
            found = self.letters.get((store_hash, dead_letter_id))
            if found is not None:
                self.letters[(store_hash, dead_letter_id)] = msgspec.structs.replace(
                    found, redriven_at=None
                )


class MemoryReconCheckpoints:
    def __init__(self) -> None:
        self._rows: dict[str, ReconCheckpoint] = {}

    def get(self, store_hash: str) -> ReconCheckpoint | None:
        return self._rows.get(store_hash)

    def put(self, checkpoint: ReconCheckpoint) -> None:
        end = checkpoint.window_end
        self._rows[checkpoint.store_hash] = msgspec.structs.replace(
            checkpoint, since=_second(checkpoint.since), window_end=_second(end) if end else None
        )


class MemorySweepCursors:
    def __init__(self) -> None:
        self._rows: dict[str, str] = {}

    def get(self, sweep: str) -> str:
        return self._rows.get(sweep, "")

    def put(self, sweep: str, cursor: str) -> None:
        self._rows[sweep] = cursor


class MemoryApiBudgets:
    """The store's share (its tenant config, read through a unit of work) of its last-seen
    quota (the smallest plan's until a worker has seen the store's answers)."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self._quotas: dict[str, int] = {}

    def get(self, store_hash: str) -> ApiBudget:
        with MemoryUnitOfWork(self._store) as uow:
            share = uow.tenant_configs.get(store_hash).api_share_percent / 100
        quota = self._quotas.get(store_hash, DEFAULT_REST_QUOTA)
        return ApiBudget(rest_quota=quota, share=share)

    def record_quota(self, store_hash: str, quota: int) -> None:
        self._quotas[store_hash] = quota
