"""Change requests in DynamoDB: items in the subscription's partition, staged in the unit of
work's transaction; the pending ones carry the keys of the store's queue and of the expiry
index (both sparse: a decided request leaves them)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pynamodb.attributes import UnicodeAttribute, VersionAttribute
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from ...domain.change_requests import ChangeRequest, RequestStatus
from ...domain.record import from_json, to_json
from ...ports.change_requests import ExpiringRequest, PendingRequestPage
from . import keys
from .change_request_keys import (
    EXPIRY_SHARDS,
    OPS_CHANGE_REQUESTS,
    REQUEST_PREFIX,
    decode_cursor,
    encode_cursor,
    expiry_keys,
    expiry_pk,
    queue_keys,
    request_sk,
)
from .errors import translated_errors
from .models import _Item, _Meta

if TYPE_CHECKING:
    from .unit_of_work import DynamoUnitOfWork


# pynamodb's Index.__init_subclass__ is untyped.
class _Queue(GlobalSecondaryIndex["ChangeRequestItem"]):  # type: ignore[no-untyped-call]
    class Meta(_Meta):
        index_name = "OpsQueueIndex"
        projection = KeysOnlyProjection()

    ops_pk = UnicodeAttribute(hash_key=True)
    ops_sk = UnicodeAttribute(range_key=True)


# pynamodb's Index.__init_subclass__ is untyped.
class _Expiry(GlobalSecondaryIndex["ChangeRequestItem"]):  # type: ignore[no-untyped-call]
    class Meta(_Meta):
        index_name = "AuthExpiryIndex"
        projection = KeysOnlyProjection()

    auth_pk = UnicodeAttribute(hash_key=True)
    auth_sk = UnicodeAttribute(range_key=True)


class ChangeRequestItem(_Item):
    KIND = "change_request"
    store_hash = UnicodeAttribute()
    subscription_id = UnicodeAttribute()
    status = UnicodeAttribute()
    doc = UnicodeAttribute()
    version = VersionAttribute()
    ops_pk = UnicodeAttribute(null=True)
    ops_sk = UnicodeAttribute(null=True)
    queue = _Queue()
    auth_pk = UnicodeAttribute(null=True)
    auth_sk = UnicodeAttribute(null=True)
    expiry = _Expiry()


class DynamoChangeRequests:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_hash: str, subscription_id: str, request_id: str) -> ChangeRequest | None:
        pk = keys.sub_pk(store_hash, subscription_id)
        item = self._uow.load(ChangeRequestItem, pk, request_sk(request_id))
        return None if item is None else from_json(ChangeRequest, item.doc)

    def for_subscription(self, store_hash: str, subscription_id: str) -> list[ChangeRequest]:
        pk = keys.sub_pk(store_hash, subscription_id)
        with translated_errors():
            items = list(
                ChangeRequestItem.query(
                    pk, ChangeRequestItem.sk.startswith(REQUEST_PREFIX), consistent_read=True
                )
            )
        for item in items:
            self._uow._loaded[(item.pk, item.sk)] = item
        return [from_json(ChangeRequest, item.doc) for item in items]

    def add(self, request: ChangeRequest) -> None:
        item = ChangeRequestItem(
            keys.sub_pk(request.store_hash, request.subscription_id), request_sk(request.id)
        )
        self._uow.stage(_fill(item, request), ChangeRequestItem.pk.does_not_exist())

    def save(self, request: ChangeRequest) -> None:
        pk = keys.sub_pk(request.store_hash, request.subscription_id)
        item = self._uow.loaded(pk, request_sk(request.id))
        self._uow.stage(_fill(item, request))  # the version attribute adds the lock condition


def _fill(item: ChangeRequestItem, request: ChangeRequest) -> ChangeRequestItem:
    item.store_hash, item.subscription_id = request.store_hash, request.subscription_id
    item.status, item.doc = request.status.value, to_json(request)
    item.ops_pk = item.ops_sk = item.auth_pk = item.auth_sk = None
    if request.status == RequestStatus.PENDING:
        ids = (request.store_hash, request.subscription_id, request.id, request.expires_at)
        item.ops_pk, item.ops_sk = queue_keys(*ids)
        item.auth_pk, item.auth_sk = expiry_keys(*ids)
    return item


class DynamoChangeRequestReads:
    def pending(self, store_hash: str, *, cursor: str | None, limit: int) -> PendingRequestPage:
        pk = keys.ops_pk(store_hash, OPS_CHANGE_REQUESTS)
        start = None
        if cursor:
            sk = decode_cursor(cursor, store_hash)
            _, subscription_id, request_id = sk.split("#")
            start = {
                "pk": {"S": keys.sub_pk(store_hash, subscription_id)},
                "sk": {"S": request_sk(request_id)},
                "ops_pk": {"S": pk},
                "ops_sk": {"S": sk},
            }
        with translated_errors():
            rows = ChangeRequestItem.queue.query(pk, limit=limit, last_evaluated_key=start)
            found = list(rows)
            last = rows.last_evaluated_key
            items = [ChangeRequestItem.get(i.pk, i.sk, consistent_read=True) for i in found]
        requests = [from_json(ChangeRequest, i.doc) for i in items]
        pending = [r for r in requests if r.status == RequestStatus.PENDING]
        next_cursor = encode_cursor(store_hash, last["ops_sk"]["S"]) if last else None
        return PendingRequestPage(pending, next_cursor)

    def expiring(self, now: datetime, *, limit: int) -> list[ExpiringRequest]:
        upper = f"{keys.timestamp(now)}~"  # '~' sorts after '#': every key at `now` is included
        found: list[tuple[str, ExpiringRequest]] = []
        with translated_errors():
            for shard in range(EXPIRY_SHARDS):
                rows = ChangeRequestItem.expiry.query(
                    expiry_pk(shard), ChangeRequestItem.auth_sk <= upper, limit=limit
                )
                for row in rows:
                    at, store_hash, subscription_id, request_id = str(row.auth_sk).split("#")
                    found.append((at, ExpiringRequest(store_hash, subscription_id, request_id)))
        found.sort(key=lambda pair: (pair[0], pair[1].store_hash, pair[1].request_id))
        return [row for _, row in found[:limit]]
