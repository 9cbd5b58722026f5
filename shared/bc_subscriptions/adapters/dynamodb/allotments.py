"""Allotment grants in the single table: the grant's partition holds its record (`META`, with
the version a change must still find), its debits and its events; its link in the store's
partition files it under its customer. A grant due a refresh carries DueIndex keys in its own
`ALLOTDUE#` partitions, so the index stays sparse and the renewal sweep never sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.transactions import TransactWrite

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
from . import allotment_keys as ak
from . import keys
from .connection import shared_connection
from .errors import translated_errors
from .event_items import event_item
from .models import EventItem, InstallItem, _Item, _Meta


class AllotmentDueIndex(GlobalSecondaryIndex["AllotmentGrantItem"]):  # type: ignore[no-untyped-call]
    """The table's DueIndex, read at the grants' own partitions."""

    class Meta(_Meta):
        index_name = "DueIndex"
        projection = IncludeProjection(["store_hash", "subscription_id", "next_cycle"])

    due_pk = UnicodeAttribute(hash_key=True)
    due_sk = UnicodeAttribute(range_key=True)


class AllotmentGrantItem(_Item):
    KIND = "allotment_grant"
    store_hash = UnicodeAttribute()
    grant_id = UnicodeAttribute()
    customer_id = NumberAttribute()
    status = UnicodeAttribute()
    doc = UnicodeAttribute()
    # Checked by hand in the transaction's condition (a change names the version it read).
    version = NumberAttribute()
    due_pk = UnicodeAttribute(null=True)
    due_sk = UnicodeAttribute(null=True)
    due_index = AllotmentDueIndex()


class AllotmentDebitItem(_Item):
    KIND = "allotment_debit"
    store_hash = UnicodeAttribute()
    grant_id = UnicodeAttribute()
    debit_id = UnicodeAttribute()
    doc = UnicodeAttribute()


class AllotmentLinkItem(_Item):
    KIND = "allotment_link"
    store_hash = UnicodeAttribute()
    customer_id = NumberAttribute()
    grant_id = UnicodeAttribute()


class AllotmentOrderDebitItem(_Item):
    """Which grant an order debited (and with which debit), for its refund to find."""

    KIND = "allotment_order_debit"
    store_hash = UnicodeAttribute()
    order_id = NumberAttribute()
    grant_id = UnicodeAttribute()
    debit_id = UnicodeAttribute()


class DynamoAllotments:
    def __init__(self, region: str, due_shards: int) -> None:
        self._region, self._shards = region, due_shards

    def get(self, store_hash: str, grant_id: str) -> GrantRecord | None:
        with translated_errors():
            try:
                item = AllotmentGrantItem.get(
                    keys.allotment_pk(store_hash, grant_id), keys.META, consistent_read=True
                )
            except AllotmentGrantItem.DoesNotExist:
                return None
        return GrantRecord(from_json(AllotmentGrant, item.doc), int(item.version))

    def debit(self, store_hash: str, grant_id: str, debit_id: str) -> AllotmentDebit | None:
        pk = keys.allotment_pk(store_hash, grant_id)
        with translated_errors():
            try:
                item = AllotmentDebitItem.get(pk, ak.debit_sk(debit_id), consistent_read=True)
            except AllotmentDebitItem.DoesNotExist:
                return None
        return from_json(AllotmentDebit, item.doc)

    def debits(self, store_hash: str, grant_id: str, *, limit: int) -> list[AllotmentDebit]:
        pk = keys.allotment_pk(store_hash, grant_id)
        with translated_errors():
            rows = AllotmentDebitItem.query(
                pk, AllotmentDebitItem.sk.startswith(ak.DEBIT), consistent_read=True
            )
            found = [from_json(AllotmentDebit, row.doc) for row in rows]
        return sorted(found, key=lambda d: (d.created_at, d.id))[:limit]

    def debits_of_order(self, store_hash: str, order_id: int) -> list[tuple[str, str]]:
        pk = keys.order_pk(store_hash, order_id)
        with translated_errors():
            rows = AllotmentOrderDebitItem.query(
                pk, AllotmentOrderDebitItem.sk.startswith(ak.ORDER_DEBIT), consistent_read=True
            )
            return [(row.grant_id, row.debit_id) for row in rows]

    def page(
        self, store_hash: str, *, customer_id: int | None, cursor: str | None, limit: int
    ) -> GrantPage:
        prefix = ak.link_prefix(customer_id)
        if cursor is not None and not cursor.startswith(prefix):
            raise InvalidGrantCursor(cursor)
        pk = keys.store_pk(store_hash)
        start = None if cursor is None else {"pk": {"S": pk}, "sk": {"S": cursor}}
        with translated_errors():
            # One more than asked: whether another page follows, without a second query.
            rows = AllotmentLinkItem.query(
                pk,
                AllotmentLinkItem.sk.startswith(prefix),
                limit=limit + 1,
                last_evaluated_key=start,
                consistent_read=True,
            )
            links = list(rows)
            taken = links[:limit]
            grants = self._load(store_hash, [link.grant_id for link in taken])
        more = len(links) > limit and bool(taken)
        return GrantPage(grants, taken[-1].sk if more else None)

    def write(self, change: GrantChange) -> None:
        grant = change.grant
        pk = keys.allotment_pk(grant.store_hash, grant.id)
        version = 1 if change.version is None else change.version + 1
        item = AllotmentGrantItem(
            pk,
            keys.META,
            store_hash=grant.store_hash,
            grant_id=grant.id,
            customer_id=grant.customer_id,
            status=grant.status.value,
            doc=to_json(grant),
            version=version,
        )
        if (due_at := grant.due_at()) is not None:
            item.due_pk, item.due_sk = ak.due_keys(grant.store_hash, grant.id, due_at, self._shards)
        condition = (
            AllotmentGrantItem.pk.does_not_exist()
            if change.version is None
            else AllotmentGrantItem.version == change.version
        )
        events = grant.pull_events()
        with (
            translated_errors(),
            TransactWrite(connection=shared_connection(self._region)) as tx,
        ):
            tx.save(item, condition=condition)
            if change.version is None:
                link = AllotmentLinkItem(
                    keys.store_pk(grant.store_hash),
                    ak.link_sk(grant.customer_id, grant.id),
                    store_hash=grant.store_hash,
                    customer_id=grant.customer_id,
                    grant_id=grant.id,
                )
                tx.save(link, condition=AllotmentLinkItem.pk.does_not_exist())
            if (added := change.added_debit) is not None:
                tx.save(_debit_item(added), condition=AllotmentDebitItem.pk.does_not_exist())
                if added.source.kind == "order" and added.source.id is not None:
                    tx.save(_order_debit_item(added))
            if (saved := change.saved_debit) is not None:
                tx.save(_debit_item(saved))
            for event in events:
                if has_secrets(event.data):
                    raise RuntimeError(f"{event.type} holds a secret; allotment events never do")
                tx.save(event_item(event, self._shards), condition=EventItem.pk.does_not_exist())

    @staticmethod
    def _load(store_hash: str, grant_ids: list[str]) -> list[AllotmentGrant]:
        if not grant_ids:
            return []
        wanted = [(keys.allotment_pk(store_hash, g), keys.META) for g in grant_ids]
        items = {i.grant_id: i for i in AllotmentGrantItem.batch_get(wanted)}
        return [from_json(AllotmentGrant, items[g].doc) for g in grant_ids if g in items]


def _debit_item(debit: AllotmentDebit) -> AllotmentDebitItem:
    return AllotmentDebitItem(
        keys.allotment_pk(debit.store_hash, debit.grant_id),
        ak.debit_sk(debit.id),
        store_hash=debit.store_hash,
        grant_id=debit.grant_id,
        debit_id=debit.id,
        doc=to_json(debit),
    )


def _order_debit_item(debit: AllotmentDebit) -> AllotmentOrderDebitItem:
    order_id = int(debit.source.id or 0)
    return AllotmentOrderDebitItem(
        keys.order_pk(debit.store_hash, order_id),
        ak.order_debit_sk(debit.grant_id),
        store_hash=debit.store_hash,
        order_id=order_id,
        grant_id=debit.grant_id,
        debit_id=debit.id,
    )


class DynamoAllotmentDue:
    """Reads of the grants' DueIndex partitions: a refresh sweep costs what is due."""

    def __init__(self, shards: int, page_size: int = 500) -> None:
        self.shards, self.page_size = shards, page_size

    def stores(self) -> Iterator[str]:
        with translated_errors():
            for row in InstallItem.installed_index.query("INSTALLED"):
                yield str(row.installed_sk)

    def due(self, now: datetime, store_hash: str) -> Iterator[GrantDue]:
        upper = f"{keys.timestamp(now)}~"
        for shard in range(self.shards):
            with translated_errors():
                rows = AllotmentGrantItem.due_index.query(
                    ak.due_pk(store_hash, shard),
                    AllotmentGrantItem.due_sk <= upper,
                    page_size=self.page_size,
                )
                for row in rows:
                    stamp, grant_id = row.due_sk.split("#", 1)
                    due_at = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z")
                    yield GrantDue(row.store_hash, grant_id, due_at)
