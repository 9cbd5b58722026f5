"""Change requests: submitted instead of a change the caller may not make directly, decided by
an approver, and on approval executed through the one change table (`change_request_apply`).

Every transition is committed with its event on the subscription (its history and outbox) in
one transaction; saving the subscription also serializes a request's transitions with the
subscription's own changes. A request is reached through its subscription, so another store's
or another shopper's is not found.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from ulid import ULID

from ..domain.actors import customers_of
from ..domain.change_requests import (
    ChangeRequest,
    Event,
    RequestClosed,
    Requester,
    RequestExpired,
    RequestStatus,
)
from ..domain.company_access import reaches as company_reaches
from ..domain.errors import DomainError
from ..ports.change_requests import ChangeRequestReads, ChangeRequestUnitOfWork
from ..ports.storage import ConcurrencyConflict, UnitOfWork

# Submitting, deciding and executing a request import the change table where they run: the
# expiry sweep imports this module for `expire_requests` alone, and the APIs that submit and
# decide have the change table loaded already by their routes.

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from .change_approval_policy import ApprovalPolicy
    from .command_handlers import ChangeDeps
    from .commands import Caller, Command

MAX_PAGE = 100
# The expiry sweep stops with this much of its invocation left (one expiry is two reads and
# one transaction).
EXPIRY_RESERVE_MS = 5_000


class ChangeRequestNotFound(Exception):
    """No such request on a subscription the caller reaches."""


class NotAnApprover(Exception):
    """The caller reaches the request but may not decide it."""

    def __init__(self, actor: str):
        super().__init__(f"a {actor} may not decide change requests")
        self.actor = actor


class RequestAlreadyPending(DomainError):
    code = "change_request_pending"

    def __init__(self, request_id: str):
        super().__init__(f"a change of this kind already waits for approval ({request_id})")
        self.request_id = request_id


def requester(caller: Caller) -> Requester:
    return Requester(actor=caller.actor, customer_id=caller.customer_id)


def _uow(deps: ChangeDeps) -> ChangeRequestUnitOfWork:
    # Both adapters' units of work hold change requests; the change table's port is narrower.
    return cast(ChangeRequestUnitOfWork, deps.unit_of_work())


def _owned(uow: UnitOfWork, caller: Caller, subscription_id: str) -> Subscription:
    from .subscription_admin import SubscriptionNotFound

    sub = uow.subscriptions.get(caller.store_hash, subscription_id)
    # A shopper reaches the requests of a subscription they hold a role on, as its other routes.
    shopper = caller.customer_id
    if sub is None or (
        shopper is not None
        and shopper not in customers_of(sub.actors_in_force())
        and not company_reaches(sub, shopper)
    ):
        raise SubscriptionNotFound(subscription_id)
    return sub


def _commit(
    uow: ChangeRequestUnitOfWork,
    sub: Subscription,
    request: ChangeRequest,
    event: Event,
    now: datetime,
    *,
    new: bool = False,
) -> None:
    sub.record_event(event.type, now, event.data)
    (uow.change_requests.add if new else uow.change_requests.save)(request)
    uow.subscriptions.save(sub)
    uow.commit()


def submit_if_required(
    command: Command[Any],
    caller: Caller,
    *,
    deps: ChangeDeps,
    policy: ApprovalPolicy,
    now: datetime,
) -> ChangeRequest | None:
    """The request submitted in place of `command` when the policy says the caller must ask;
    None when they may make the change directly (then nothing was written)."""
    from .actor_access import ensure_caller_may
    from .change_request_commands import requestable, to_change

    if policy.always_direct(caller) or not requestable(command):
        return None
    # Approval stands in for the store's rule, not the role's: a shopper asks only for what
    # their role on the subscription lets them do.
    ensure_caller_may(command, caller, deps.unit_of_work, asking=True)
    kind, change = to_change(command)  # type: ignore[arg-type]
    with _uow(deps) as uow:
        config = uow.tenant_configs.get(caller.store_hash)
        sub = _owned(uow, caller, command.subscription_id)  # type: ignore[attr-defined]
        if not policy.must_request(caller, sub, kind, config):
            return None
        for other in uow.change_requests.for_subscription(caller.store_hash, sub.id):
            pending = other.status == RequestStatus.PENDING and not other.is_expired(now)
            if other.kind == kind and pending:
                raise RequestAlreadyPending(other.id)
        request, event = ChangeRequest.submit(
            request_id=f"creq_{ULID.from_datetime(now)}",
            store_hash=caller.store_hash,
            subscription_id=sub.id,
            kind=kind,
            change=change,
            requested_by=requester(caller),
            now=now,
            settings=config.change_requests,
        )
        _commit(uow, sub, request, event, now, new=True)
    return request


def subscription_requests(
    caller: Caller, subscription_id: str, *, deps: ChangeDeps
) -> list[ChangeRequest]:
    """Every request of a subscription the caller reaches, oldest first."""
    with _uow(deps) as uow:
        sub = _owned(uow, caller, subscription_id)
        return uow.change_requests.for_subscription(caller.store_hash, sub.id)


def get_request(
    caller: Caller, subscription_id: str, request_id: str, *, deps: ChangeDeps
) -> ChangeRequest:
    with _uow(deps) as uow:
        return _load(uow, caller, subscription_id, request_id)[0]


def _load(
    uow: ChangeRequestUnitOfWork, caller: Caller, subscription_id: str, request_id: str
) -> tuple[ChangeRequest, Subscription]:
    sub = _owned(uow, caller, subscription_id)
    request = uow.change_requests.get(caller.store_hash, subscription_id, request_id)
    if request is None:
        raise ChangeRequestNotFound(request_id)
    return request, sub


def approve(
    caller: Caller,
    subscription_id: str,
    request_id: str,
    reason: str | None,
    *,
    deps: ChangeDeps,
    policy: ApprovalPolicy,
    now: datetime,
) -> ChangeRequest:
    """Approve and execute, once: the approval is committed first, then the change runs with
    the request's `applied` in its own transaction (or `not_applied`, with why). Asked again
    (retried, or after a crash between the two), an approved request is executed then, an
    applied or not applied one answered as it is."""
    from .change_request_apply import execute

    with _uow(deps) as uow:
        request, sub = _load(uow, caller, subscription_id, request_id)
        _check_decider(policy, caller, request, sub)
        if request.status in (RequestStatus.APPLIED, RequestStatus.NOT_APPLIED):
            return request
        if request.status == RequestStatus.PENDING:
            _expire_if_due(uow, sub, request, now)
            _commit(uow, sub, request, request.approve(requester(caller), reason, now), now)
        elif request.status != RequestStatus.APPROVED:
            raise RequestClosed(request.status)
    return execute(request, deps=deps, now=now)


def reject(
    caller: Caller,
    subscription_id: str,
    request_id: str,
    reason: str | None,
    *,
    deps: ChangeDeps,
    policy: ApprovalPolicy,
    now: datetime,
) -> ChangeRequest:
    with _uow(deps) as uow:
        request, sub = _load(uow, caller, subscription_id, request_id)
        _check_decider(policy, caller, request, sub)
        _expire_if_due(uow, sub, request, now)
        _commit(uow, sub, request, request.reject(requester(caller), reason, now), now)
    return request


def _check_decider(
    policy: ApprovalPolicy, caller: Caller, request: ChangeRequest, sub: Subscription
) -> None:
    if not policy.may_decide(caller, request, sub):
        raise NotAnApprover(caller.actor)


def _expire_if_due(
    uow: ChangeRequestUnitOfWork, sub: Subscription, request: ChangeRequest, now: datetime
) -> None:
    """A request past its expiry is expired now (as the sweep would) and refused as such."""
    if request.is_expired(now):
        _commit(uow, sub, request, request.expire(now), now)
        raise RequestExpired(RequestStatus.EXPIRED)


def pending_requests(
    store_hash: str,
    *,
    reads: ChangeRequestReads,
    cursor: str | None,
    limit: int,
    now: datetime,
) -> tuple[list[ChangeRequest], str | None]:
    """The store's approval queue, soonest to expire first (expired ones wait for the sweep
    and are left out)."""
    page = reads.pending(store_hash, cursor=cursor, limit=min(limit, MAX_PAGE))
    return [r for r in page.requests if not r.is_expired(now)], page.cursor


def expire_requests(
    now: datetime,
    *,
    reads: ChangeRequestReads,
    uow_factory: Callable[[], ChangeRequestUnitOfWork],
    time_left_ms: Callable[[], int],
    limit: int = 500,
) -> int:
    """The expiry sweep: pending requests past their expiry, from the sparse expiry index;
    what one run leaves (out of time, or past `limit`) the next run finds still there."""
    expired = 0
    for row in reads.expiring(now, limit=limit):
        if time_left_ms() < EXPIRY_RESERVE_MS:
            break
        # One row's conflict (decided meanwhile) must not stop the others; a row still
        # pending stays in the index for the next run.
        with suppress(ConcurrencyConflict, RequestClosed), uow_factory() as uow:
            request = uow.change_requests.get(row.store_hash, row.subscription_id, row.request_id)
            sub = uow.subscriptions.get(row.store_hash, row.subscription_id)
            if request is None or sub is None or not request.is_expired(now):
                continue
            _commit(uow, sub, request, request.expire(now), now)
            expired += 1
    return expired
