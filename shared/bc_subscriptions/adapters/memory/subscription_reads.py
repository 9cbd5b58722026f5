"""The admin and portal APIs' read models over a MemoryStore: a store's subscriptions page by
page, its ops queues, its overdue renewals and one subscription's partition.

Pages end and cursors read as the DynamoDB adapter's do (the same cursor codec), so a cursor
one hands out is refused or followed by the other alike; the storage contract suite holds
the two together.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...domain.charge import Charge
from ...domain.record import from_json
from ...domain.sealed_fields import without_sealed
from ...domain.subscription import Subscription
from ...ports.storage import (
    CustomerLink,
    DueSubscription,
    OverduePage,
    OverdueRenewal,
    StoredEvent,
    SubscriptionPage,
)
from ..dynamodb import keys
from ..dynamodb.subscription_reads import (
    _decode,
    _decode_due,
    _decode_ops,
    _encode,
    _encode_due,
    _encode_ops,
)
from ..dynamodb.unit_of_work import OPS_QUEUES

if TYPE_CHECKING:
    from .store import MemoryStore

_ALL = "CUSTOMER#"


class MemorySubscriptionReads:
    def __init__(self, store: MemoryStore, due_shards: int = 8) -> None:
        self._store = store
        self.due_shards = due_shards

    def page(
        self, store_hash: str, *, customer_id: int | None, cursor: str | None, limit: int
    ) -> SubscriptionPage:
        """Subscriptions filed under the store's customers (one customer's when given)."""
        prefix = _ALL if customer_id is None else f"CUSTOMER#{customer_id:012d}#SUB#"
        after = _decode(cursor, store_hash, prefix)["sk"]["S"] if cursor else None
        rows = self._store.query(keys.store_pk(store_hash), prefix, prefix + "\uffff")
        links = [(sk, row.value) for sk, row in rows if after is None or sk > after][:limit]
        # A removed link counts toward the limit and is skipped, as DynamoDB's filter does.
        live = [link for _, link in links if isinstance(link, CustomerLink)]
        subs = self._load(store_hash, [link.subscription_id for link in live])
        # A full page hands out a cursor, as a DynamoDB query that reached its limit does.
        last = {"sk": {"S": links[-1][0]}} if len(links) == limit else None
        return SubscriptionPage(subs, _encode(last, store_hash, prefix) if last else None)

    def ops_queue(
        self, store_hash: str, queue: str, *, cursor: str | None, limit: int
    ) -> SubscriptionPage:
        """The store's subscriptions in one ops queue, oldest first."""
        after = _decode_ops(cursor, store_hash, queue)["ops_sk"]["S"] if cursor else None
        listed: list[tuple[str, Subscription]] = []
        for sub in self._subscriptions(store_hash):
            if OPS_QUEUES.get(sub.status) != queue:
                continue
            since = sub.dunning.first_failed_at if sub.dunning else sub.updated_at
            _, ops_sk = keys.ops_keys(store_hash, queue, since, sub.id)
            if after is None or ops_sk > after:
                listed.append((ops_sk, sub))
        page = sorted(listed, key=lambda pair: pair[0])[:limit]
        last = {"ops_sk": {"S": page[-1][0]}} if len(page) == limit else None
        return SubscriptionPage(
            [sub for _, sub in page], _encode_ops(last, store_hash, queue) if last else None
        )

    def overdue(
        self, store_hash: str, due_before: datetime, *, cursor: str | None, limit: int
    ) -> OverduePage:
        """The store's subscriptions due before `due_before`, oldest first."""
        after = _decode_due(cursor, store_hash) if cursor else None
        upper = f"{keys.timestamp(due_before)}~"
        if after is not None and after > upper:
            return OverduePage([], None)
        rows: list[tuple[str, Subscription]] = []
        for sub in self._subscriptions(store_hash):
            if (due_at := sub.due_at()) is None:
                continue
            _, due_sk = keys.due_keys(store_hash, sub.id, due_at, self.due_shards)
            if due_sk <= upper and (after is None or due_sk > after):
                rows.append((due_sk, sub))
        rows.sort(key=lambda pair: pair[0])
        page, more = rows[:limit], len(rows) > limit
        items = []
        for due_sk, sub in page:
            due = DueSubscription(
                store_hash,
                sub.id,
                sub.next_cycle,
                datetime.strptime(due_sk.split("#", 1)[0], "%Y-%m-%dT%H:%M:%S%z"),
            )
            row = self._store.read((keys.sub_pk(store_hash, sub.id), keys.charge_sk(due.cycle)))
            charge = None if row is None else from_json(Charge, row.value)
            items.append(OverdueRenewal(due, sub, charge))
        return OverduePage(items, _encode_due(page[-1][0], store_hash) if more else None)

    def partition(self, store_hash: str, subscription_id: str) -> dict[str, list[dict[str, Any]]]:
        """Charges, deliveries and events of one subscription, in key order."""
        pk = keys.sub_pk(store_hash, subscription_id)
        rows = self._store.query(pk, "", "\uffff")
        out: dict[str, list[dict[str, Any]]] = {"charges": [], "deliveries": [], "events": []}
        for sk, row in rows:
            if sk.startswith("CHARGE#"):
                out["charges"].append(json.loads(row.value))
            elif sk.startswith("DELIVERY#"):
                out["deliveries"].append(json.loads(row.value))
            elif sk.startswith("EVENT#") and isinstance(row.value, StoredEvent):
                out["events"].append(without_sealed(json.loads(row.value.envelope)))
        return out

    def _subscriptions(self, store_hash: str) -> list[Subscription]:
        rows = self._store.scan(keys.sub_pk(store_hash, ""), keys.META)
        return [from_json(Subscription, row.value) for _, row in rows]

    def _load(self, store_hash: str, ids: list[str]) -> list[Subscription]:
        found = []
        for i in ids:
            row = self._store.read((keys.sub_pk(store_hash, i), keys.META))
            if row is not None:
                found.append(from_json(Subscription, row.value))
        return found
