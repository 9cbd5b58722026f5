"""Change requests on a MemoryStore, keyed as the DynamoDB table keys them; the two sparse
indexes (a store's pending queue, the cross-store expiry index) are read from the records."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ...domain.change_requests import ChangeRequest, RequestStatus
from ...domain.record import from_json, to_json
from ...ports.change_requests import ExpiringRequest, PendingRequestPage
from ..dynamodb import keys
from ..dynamodb.change_request_keys import (
    REQUEST_PREFIX,
    decode_cursor,
    encode_cursor,
    request_sk,
)

if TYPE_CHECKING:
    from .store import MemoryStore
    from .unit_of_work import MemoryUnitOfWork


class MemoryChangeRequests:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def get(self, store_hash: str, subscription_id: str, request_id: str) -> ChangeRequest | None:
        doc = self._uow.load((keys.sub_pk(store_hash, subscription_id), request_sk(request_id)))
        return None if doc is None else from_json(ChangeRequest, doc)

    def for_subscription(self, store_hash: str, subscription_id: str) -> list[ChangeRequest]:
        pk = keys.sub_pk(store_hash, subscription_id)
        docs = self._uow.query(pk, REQUEST_PREFIX, REQUEST_PREFIX + "\uffff")
        return [from_json(ChangeRequest, doc) for doc in docs]

    def add(self, request: ChangeRequest) -> None:
        self._uow.stage_add(_key(request), to_json(request), versioned=True)

    def save(self, request: ChangeRequest) -> None:
        self._uow.stage_save(_key(request), to_json(request), versioned=True)


def _key(request: ChangeRequest) -> tuple[str, str]:
    return keys.sub_pk(request.store_hash, request.subscription_id), request_sk(request.id)


class MemoryChangeRequestReads:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def pending(self, store_hash: str, *, cursor: str | None, limit: int) -> PendingRequestPage:
        found = sorted(
            (r for r in self._all(keys.sub_pk(store_hash, "")) if r.store_hash == store_hash),
            key=_queue_position,
        )
        start = None if cursor is None else decode_cursor(cursor, store_hash)
        after = [r for r in found if start is None or _queue_position(r) > start]
        page = after[:limit]
        more = len(after) > limit
        next_cursor = encode_cursor(store_hash, _queue_position(page[-1])) if more else None
        return PendingRequestPage(page, next_cursor)

    def expiring(self, now: datetime, *, limit: int) -> list[ExpiringRequest]:
        upper = keys.timestamp(now)
        due = sorted(
            (r for r in self._all("SUB#") if keys.timestamp(r.expires_at) <= upper),
            key=lambda r: (keys.timestamp(r.expires_at), r.store_hash, r.id),
        )
        return [ExpiringRequest(r.store_hash, r.subscription_id, r.id) for r in due[:limit]]

    def _all(self, pk_prefix: str) -> list[ChangeRequest]:
        rows = self._store.scan(pk_prefix, REQUEST_PREFIX)
        requests = [from_json(ChangeRequest, row.value) for _, row in rows]
        return [r for r in requests if r.status == RequestStatus.PENDING]


def _queue_position(request: ChangeRequest) -> str:
    return f"{keys.timestamp(request.expires_at)}#{request.subscription_id}#{request.id}"
