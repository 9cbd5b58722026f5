"""Allotment grants over a MemoryStore, keyed as the DynamoDB adapter keys them.

A change lands through `MemoryStore.apply`, so its conditions (the grant's version, a debit
that must not exist yet, events that must not exist yet) are checked and applied under one
lock, as one DynamoDB transaction would.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from ...domain.allotments import AllotmentDebit, AllotmentGrant
from ...domain.record import from_json, to_json
from ...domain.sealed_fields import has_secrets
from ...ports.allotment_storage import (
    GrantChange,
    GrantDue,
    GrantPage,
    GrantRecord,
    InvalidGrantCursor,
)
from ..dynamodb import allotment_keys as ak
from ..dynamodb import keys
from .indexes import StoresVisited
from .store import MemoryStore, Seen, Write, second
from .unit_of_work import _stored


class MemoryAllotments:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def get(self, store_hash: str, grant_id: str) -> GrantRecord | None:
        row = self._store.read((keys.allotment_pk(store_hash, grant_id), keys.META))
        if row is None:
            return None
        return GrantRecord(from_json(AllotmentGrant, row.value), row.version or 0)

    def debit(self, store_hash: str, grant_id: str, debit_id: str) -> AllotmentDebit | None:
        row = self._store.read((keys.allotment_pk(store_hash, grant_id), ak.debit_sk(debit_id)))
        return None if row is None else from_json(AllotmentDebit, row.value)

    def debits(self, store_hash: str, grant_id: str, *, limit: int) -> list[AllotmentDebit]:
        pk = keys.allotment_pk(store_hash, grant_id)
        rows = self._store.query(pk, ak.DEBIT, ak.DEBIT + "\uffff")
        found = [from_json(AllotmentDebit, row.value) for _, row in rows]
        return sorted(found, key=lambda d: (d.created_at, d.id))[:limit]

    def debits_of_order(self, store_hash: str, order_id: int) -> list[tuple[str, str]]:
        pk = keys.order_pk(store_hash, order_id)
        rows = self._store.query(pk, ak.ORDER_DEBIT, ak.ORDER_DEBIT + "\uffff")
        return [(sk.removeprefix(ak.ORDER_DEBIT), str(row.value)) for sk, row in rows]

    def page(
        self, store_hash: str, *, customer_id: int | None, cursor: str | None, limit: int
    ) -> GrantPage:
        prefix = ak.link_prefix(customer_id)
        if cursor is not None and not cursor.startswith(prefix):
            raise InvalidGrantCursor(cursor)
        rows = self._store.query(keys.store_pk(store_hash), prefix, prefix + "\uffff")
        after = [sk for sk, _ in rows if cursor is None or sk > cursor]
        taken = after[:limit]
        grants = [
            record.grant
            for sk in taken
            if (record := self.get(store_hash, ak.grant_of_link(sk))) is not None
        ]
        more = len(after) > limit
        return GrantPage(grants, taken[-1] if more and taken else None)

    def write(self, change: GrantChange) -> None:
        grant = change.grant
        pk = keys.allotment_pk(grant.store_hash, grant.id)
        writes = [
            Write(
                (pk, keys.META),
                to_json(grant),
                must_not_exist=change.version is None,
                versioned=True,
                seen=Seen(change.version),
            )
        ]
        if change.version is None:
            link = (keys.store_pk(grant.store_hash), ak.link_sk(grant.customer_id, grant.id))
            writes.append(Write(link, grant.id, must_not_exist=True))
        if (added := change.added_debit) is not None:
            writes.append(Write((pk, ak.debit_sk(added.id)), to_json(added), True))
            if added.source.kind == "order" and added.source.id is not None:
                order_pk = keys.order_pk(grant.store_hash, int(added.source.id))
                writes.append(Write((order_pk, ak.order_debit_sk(grant.id)), added.id))
        if (saved := change.saved_debit) is not None:
            writes.append(Write((pk, ak.debit_sk(saved.id)), to_json(saved)))
        for event in grant.pull_events():
            if has_secrets(event.data):
                raise RuntimeError(f"{event.type} holds a secret; allotment events never do")
            stored = _stored(event)
            key = keys.event_key(event.store_hash, None, None, event.seq, event.grant_id)
            writes.append(Write(key, stored, must_not_exist=True, event=stored))
        self._store.apply(writes)


class MemoryAllotmentDue(StoresVisited):
    """What the refresh index would list: active grants whose next period has begun."""

    PARTITION = "ALLOT#"

    def due(self, now: datetime, store_hash: str) -> Iterator[GrantDue]:
        limit = keys.timestamp(now)
        rows: list[tuple[str, str, GrantDue]] = []
        for (_, sk), row in self._store.scan(keys.allotment_pk(store_hash, ""), keys.META):
            if sk != keys.META:
                continue
            grant = from_json(AllotmentGrant, row.value)
            due_at = grant.due_at()
            if due_at is None or keys.timestamp(due_at) > limit:
                continue
            due_pk, due_sk = ak.due_keys(store_hash, grant.id, due_at, self._shards)
            rows.append((due_pk, due_sk, GrantDue(store_hash, grant.id, second(due_at))))
        for _, _, due in sorted(rows, key=lambda r: (r[0], r[1])):
            yield due
