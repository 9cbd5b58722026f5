"""A change asked for by someone who may not make it directly, waiting for an approver.

A request holds one pending change (its kind and the arguments of the command that makes it),
who asked, and where it stands. It is decided once: approved (and then applied, or not
applied with why), rejected, or expired when nobody decided before `expires_at`. Every
transition answers the event that records it; the service writes that event with the new
state in one transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

import msgspec

from . import events as ev
from .errors import DomainError
from .record import FrozenRecord, Record, to_data
from .timestamps import iso_timestamp

SUBMITTED = ev.CHANGE_REQUEST_SUBMITTED
APPROVED = ev.CHANGE_REQUEST_APPROVED
REJECTED = ev.CHANGE_REQUEST_REJECTED
APPLIED = ev.CHANGE_REQUEST_APPLIED
NOT_APPLIED = ev.CHANGE_REQUEST_NOT_APPLIED
EXPIRED = ev.CHANGE_REQUEST_EXPIRED

MAX_REASON = 500


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    APPLIED = "applied"
    NOT_APPLIED = "not_applied"
    EXPIRED = "expired"


class ChangeKind(StrEnum):
    """The changes a request may hold: the portal's own, one command each."""

    PAUSE = "pause"
    CANCEL = "cancel"
    SKIP = "skip"
    QUANTITY = "quantity"
    CADENCE = "cadence"
    ADDRESS = "address"


# Which status each decision may leave from, and to what.
TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.PENDING: frozenset(
        {RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.EXPIRED}
    ),
    RequestStatus.APPROVED: frozenset({RequestStatus.APPLIED, RequestStatus.NOT_APPLIED}),
}
FINAL = frozenset(
    {
        RequestStatus.REJECTED,
        RequestStatus.APPLIED,
        RequestStatus.NOT_APPLIED,
        RequestStatus.EXPIRED,
    }
)


class ChangeRequestSettings(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The tenant config's part about shoppers' changes (read only through the tenant config's
    conversion, which checks the bounds)."""

    # `direct`: a shopper makes their changes themselves (as always); `request`: each change
    # waits for an approver (the merchant; a company's admin too, once companies exist).
    shopper_changes: Literal["direct", "request"] = "direct"
    # How long a request waits for a decision before it expires.
    expire_after_hours: Annotated[int, msgspec.Meta(ge=1, le=720)] = 72


class RequestClosed(DomainError):
    """The request was decided already (or expired); nothing changed."""

    code = "change_request_closed"

    def __init__(self, status: RequestStatus):
        super().__init__(f"the change request is {status.value}")
        self.status = status


class RequestExpired(RequestClosed):
    code = "change_request_expired"


class Requester(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    actor: str  # shopper | merchant (| org_admin, manager once actors exist)
    customer_id: int | None = None


class Outcome(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Why an approved change was not applied: the guard's machine-readable code and words."""

    code: str
    message: str


class Event(FrozenRecord, frozen=True, kw_only=True):
    """What a transition records: its type and data (the subscription's event carries them)."""

    type: str
    data: dict[str, Any]


class ChangeRequest(Record, kw_only=True, forbid_unknown_fields=True):
    """Its transitions assign its decision fields; each one checks what it assigned
    (`_check`), as it is checked when built or read."""

    id: str
    store_hash: str
    subscription_id: str
    kind: ChangeKind
    change: dict[str, Any]  # the command's arguments, as JSON
    requested_by: Requester
    status: RequestStatus = RequestStatus.PENDING
    submitted_at: datetime
    expires_at: datetime
    decided_by: Requester | None = None
    decided_at: datetime | None = None
    reason: str | None = None  # the approver's or rejecter's words
    outcome: Outcome | None = None
    finished_at: datetime | None = None

    def __post_init__(self) -> None:
        self._check()

    def _check(self) -> None:
        _kind("status", self.status, RequestStatus)
        _kind("decided_by", self.decided_by, Requester, optional=True)
        _kind("decided_at", self.decided_at, datetime, optional=True)
        _kind("reason", self.reason, str, optional=True)
        _kind("outcome", self.outcome, Outcome, optional=True)
        _kind("finished_at", self.finished_at, datetime, optional=True)

    @classmethod
    def submit(
        cls,
        *,
        request_id: str,
        store_hash: str,
        subscription_id: str,
        kind: ChangeKind,
        change: dict[str, Any],
        requested_by: Requester,
        now: datetime,
        settings: ChangeRequestSettings,
    ) -> tuple[ChangeRequest, Event]:
        request = cls(
            id=request_id,
            store_hash=store_hash,
            subscription_id=subscription_id,
            kind=kind,
            change=change,
            requested_by=requested_by,
            submitted_at=now,
            expires_at=now + timedelta(hours=settings.expire_after_hours),
        )
        return request, request._event(SUBMITTED)

    def is_expired(self, now: datetime) -> bool:
        return self.status == RequestStatus.PENDING and now >= self.expires_at

    def approve(self, by: Requester, reason: str | None, now: datetime) -> Event:
        self._decide(RequestStatus.APPROVED, by, reason, now)
        return self._event(APPROVED)

    def reject(self, by: Requester, reason: str | None, now: datetime) -> Event:
        self._decide(RequestStatus.REJECTED, by, reason, now)
        return self._event(REJECTED)

    def expire(self, now: datetime) -> Event:
        if not self.is_expired(now):
            raise RequestClosed(self.status)
        self._move(RequestStatus.EXPIRED)
        self.finished_at = now
        self._check()
        return self._event(EXPIRED)

    def applied(self, now: datetime) -> Event:
        self._move(RequestStatus.APPLIED)
        self.finished_at = now
        self._check()
        return self._event(APPLIED)

    def not_applied(self, outcome: Outcome, now: datetime) -> Event:
        self._move(RequestStatus.NOT_APPLIED)
        self.outcome, self.finished_at = outcome, now
        self._check()
        return self._event(NOT_APPLIED)

    def _decide(self, to: RequestStatus, by: Requester, reason: str | None, now: datetime) -> None:
        if self.is_expired(now):
            raise RequestExpired(RequestStatus.EXPIRED)
        self._move(to)
        self.decided_by, self.decided_at, self.reason = by, now, reason
        self._check()

    def _move(self, to: RequestStatus) -> None:
        if to not in TRANSITIONS.get(self.status, frozenset()):
            raise RequestClosed(self.status)
        self.status = to

    def _event(self, type_: str) -> Event:
        data: dict[str, Any] = {
            "change_request_id": self.id,
            "kind": self.kind.value,
            "change": self.change,
            "status": self.status.value,
            "requested_by": to_data(self.requested_by),
            "expires_at": iso_timestamp(self.expires_at),
        }
        if self.decided_by is not None:
            data["decided_by"] = to_data(self.decided_by)
        if self.reason is not None:
            data["reason"] = self.reason
        if self.outcome is not None:
            data["outcome"] = to_data(self.outcome)
        return Event(type=type_, data=data)


def _kind(name: str, value: object, kind: type, *, optional: bool = False) -> None:
    if not (isinstance(value, kind) or (optional and value is None)):
        raise TypeError(f"{name}: expected {kind.__name__}, got {type(value).__name__}")
