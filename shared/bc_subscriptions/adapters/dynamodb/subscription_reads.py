"""Read models for the admin and portal APIs: a store's subscriptions, page by page, and one
subscription's partition (charges, deliveries, events). Every query starts at the store."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...domain.charge import Charge
from ...domain.record import from_json
from ...domain.sealed_fields import without_sealed
from ...ports.storage import DueSubscription, OverduePage, OverdueRenewal, SubscriptionPage
from . import keys
from .errors import translated_errors
from .models import ChargeItem, CustomerLinkItem, DeliveryItem, EventItem, SubscriptionItem
from .subscription_doc import subscription_from_doc

if TYPE_CHECKING:
    from ...domain.subscription import Subscription

_ALL = "CUSTOMER#"


class InvalidCursor(ValueError):
    """A cursor that this store's listing never handed out."""


class SubscriptionReads:
    def __init__(self, due_shards: int = 8) -> None:
        self.due_shards = due_shards

    def page(
        self, store_hash: str, *, customer_id: int | None, cursor: str | None, limit: int
    ) -> SubscriptionPage:
        """Subscriptions filed under the store's customers (one customer's when given)."""
        prefix = _ALL if customer_id is None else f"CUSTOMER#{customer_id:012d}#SUB#"
        start = _decode(cursor, store_hash, prefix) if cursor else None
        with translated_errors():
            rows = CustomerLinkItem.query(
                keys.store_pk(store_hash),
                CustomerLinkItem.sk.startswith(prefix),
                # A removed link (see customer_links) still counts toward the page's limit.
                filter_condition=CustomerLinkItem.removed_at.does_not_exist(),
                limit=limit,
                last_evaluated_key=start,
            )
            links = list(rows)
            last = rows.last_evaluated_key
            subs = self._load(store_hash, [link.subscription_id for link in links])
        return SubscriptionPage(subs, _encode(last, store_hash, prefix) if last else None)

    def ops_queue(
        self, store_hash: str, queue: str, *, cursor: str | None, limit: int
    ) -> SubscriptionPage:
        """The store's subscriptions in one ops queue (sparse OpsQueueIndex), oldest first."""
        start = _decode_ops(cursor, store_hash, queue) if cursor else None
        with translated_errors():
            rows = SubscriptionItem.ops_queue.query(
                keys.ops_pk(store_hash, queue), limit=limit, last_evaluated_key=start
            )
            found = list(rows)
            last = rows.last_evaluated_key
            subs = self._load(store_hash, [_id_of(item.pk, store_hash) for item in found])
        return SubscriptionPage(subs, _encode_ops(last, store_hash, queue) if last else None)

    def overdue(
        self, store_hash: str, due_before: datetime, *, cursor: str | None, limit: int
    ) -> OverduePage:
        """The store's own DueIndex partitions (one per shard), merged oldest first.

        Each shard is read from the cursor's position up to `due_before`, at most `limit + 1`
        rows, so a page costs `shards` queries whatever the store holds; the sort key (due
        time, store, subscription) is unique, so the cursor is a position in all shards.
        """
        after = _decode_due(cursor, store_hash) if cursor else None
        upper = f"{keys.timestamp(due_before)}~"  # '~' sorts after '#': all keys at that second
        if after is not None and after > upper:
            return OverduePage([], None)  # the threshold moved back since the cursor was made
        rows: list[SubscriptionItem] = []
        with translated_errors():
            for shard in range(self.due_shards):
                condition = (
                    SubscriptionItem.due_sk <= upper
                    if after is None
                    else SubscriptionItem.due_sk.between(after, upper)
                )
                query = SubscriptionItem.due_index.query(
                    keys.due_pk(store_hash, shard), condition, limit=limit + 1
                )
                rows.extend(r for r in query if r.due_sk != after)
        rows.sort(key=lambda r: str(r.due_sk))
        page, more = rows[:limit], len(rows) > limit
        due = [
            DueSubscription(
                store_hash,
                str(r.subscription_id),
                int(r.next_cycle),
                datetime.strptime(str(r.due_sk).split("#", 1)[0], "%Y-%m-%dT%H:%M:%S%z"),
            )
            for r in page
        ]
        with translated_errors():
            subs = {s.id: s for s in self._load(store_hash, [d.subscription_id for d in due])}
            charges = self._charges(store_hash, due)
        items = [
            OverdueRenewal(d, subs[d.subscription_id], charges.get((d.subscription_id, d.cycle)))
            for d in due
            if d.subscription_id in subs
        ]
        next_cursor = _encode_due(str(page[-1].due_sk), store_hash) if more else None
        return OverduePage(items, next_cursor)

    @staticmethod
    def _charges(store_hash: str, due: list[DueSubscription]) -> dict[tuple[str, int], Charge]:
        if not due:
            return {}
        wanted = [
            (keys.sub_pk(store_hash, d.subscription_id), keys.charge_sk(d.cycle)) for d in due
        ]
        return {
            (item.subscription_id, int(item.cycle)): from_json(Charge, item.doc)
            for item in ChargeItem.batch_get(wanted)
        }

    def partition(self, store_hash: str, subscription_id: str) -> dict[str, list[dict[str, Any]]]:
        """Charges, deliveries and events of one subscription, in key order."""
        out: dict[str, list[dict[str, Any]]] = {"charges": [], "deliveries": [], "events": []}
        pk = keys.sub_pk(store_hash, subscription_id)
        with translated_errors():
            for item in ChargeItem.query(pk, ChargeItem.sk.startswith("CHARGE#")):
                out["charges"].append(json.loads(item.doc))
            for d in DeliveryItem.query(pk, DeliveryItem.sk.startswith("DELIVERY#")):
                out["deliveries"].append(json.loads(d.doc))
            for e in EventItem.query(pk, EventItem.sk.startswith("EVENT#")):
                out["events"].append(without_sealed(json.loads(e.envelope)))
        return out

    @staticmethod
    def _load(store_hash: str, ids: list[str]) -> list[Subscription]:
        if not ids:
            return []
        wanted = [(keys.sub_pk(store_hash, i), keys.META) for i in ids]
        found = {item.subscription_id: item for item in SubscriptionItem.batch_get(wanted)}
        return [subscription_from_doc(found[i].doc) for i in ids if i in found]


def _encode(last: dict[str, Any], store_hash: str, prefix: str) -> str:
    sk = last["sk"]["S"]
    raw = json.dumps({"s": store_hash, "p": prefix, "k": sk}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, store_hash: str, prefix: str) -> dict[str, Any]:
    try:
        doc = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise InvalidCursor("cursor is not one this listing handed out") from exc
    # A cursor from another store or another filter would reach where it must not.
    if not isinstance(doc, dict) or doc.get("s") != store_hash or doc.get("p") != prefix:
        raise InvalidCursor("cursor is not one this listing handed out")
    sk = doc.get("k")
    if not isinstance(sk, str) or not sk.startswith(prefix):
        raise InvalidCursor("cursor is not one this listing handed out")
    return {"pk": {"S": keys.store_pk(store_hash)}, "sk": {"S": sk}}


def _id_of(pk: str, store_hash: str) -> str:
    return pk.removeprefix(keys.sub_pk(store_hash, ""))


def _encode_ops(last: dict[str, Any], store_hash: str, queue: str) -> str:
    doc = {"s": store_hash, "q": queue, "k": last["ops_sk"]["S"]}
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")


def _decode_ops(cursor: str, store_hash: str, queue: str) -> dict[str, Any]:
    """The index position back from a cursor, refused unless it is this store's and queue's."""
    refused = InvalidCursor("cursor is not one this listing handed out")
    try:
        doc = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise refused from exc
    if not isinstance(doc, dict) or doc.get("s") != store_hash or doc.get("q") != queue:
        raise refused
    sk = doc.get("k")
    if not isinstance(sk, str) or "#" not in sk:
        raise refused
    subscription_id = sk.split("#", 1)[1]
    return {
        "pk": {"S": keys.sub_pk(store_hash, subscription_id)},
        "sk": {"S": keys.META},
        "ops_pk": {"S": keys.ops_pk(store_hash, queue)},
        "ops_sk": {"S": sk},
    }


def _encode_due(sk: str, store_hash: str) -> str:
    doc = {"s": store_hash, "q": "stuck", "k": sk}
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")


def _decode_due(cursor: str, store_hash: str) -> str:
    """A DueIndex position back from a cursor, refused unless this store's stuck listing's."""
    refused = InvalidCursor("cursor is not one this listing handed out")
    try:
        doc = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise refused from exc
    if not isinstance(doc, dict) or doc.get("s") != store_hash or doc.get("q") != "stuck":
        raise refused
    sk = doc.get("k")
    parts = sk.split("#") if isinstance(sk, str) else []
    if len(parts) != 3 or parts[1] != store_hash:
        raise refused
    return str(sk)
