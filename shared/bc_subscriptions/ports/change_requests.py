"""Storage port of change requests: kept in their subscription's partition, staged in the unit
of work with the subscription (whose events record their progress), listed from two sparse
indexes: the store's queue of pending requests and the cross-store expiry index."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import msgspec

from .storage import UnitOfWork

if TYPE_CHECKING:
    from ..domain.change_requests import ChangeRequest


class ChangeRequestRepository(Protocol):
    def get(
        self, store_hash: str, subscription_id: str, request_id: str
    ) -> ChangeRequest | None: ...
    def for_subscription(self, store_hash: str, subscription_id: str) -> list[ChangeRequest]:
        """The subscription's requests (one query of its partition), oldest first."""
        ...

    def add(self, request: ChangeRequest) -> None: ...
    def save(self, request: ChangeRequest) -> None:
        """Refused (`ConcurrencyConflict` at commit) when another save committed first."""
        ...


class ChangeRequestUnitOfWork(UnitOfWork, Protocol):
    change_requests: ChangeRequestRepository


class PendingRequestPage(msgspec.Struct, frozen=True):
    requests: list[ChangeRequest]
    cursor: str | None


class ExpiringRequest(msgspec.Struct, frozen=True):
    """One row of the expiry index: a pending request whose expiry time has come."""

    store_hash: str
    subscription_id: str
    request_id: str


class ChangeRequestReads(Protocol):
    def pending(self, store_hash: str, *, cursor: str | None, limit: int) -> PendingRequestPage:
        """The store's pending requests, soonest to expire first."""
        ...

    def expiring(self, now: datetime, *, limit: int) -> list[ExpiringRequest]:
        """Up to `limit` pending requests of any store whose expiry is at or before `now`."""
        ...
