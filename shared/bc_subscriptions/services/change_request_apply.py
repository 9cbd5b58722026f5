"""Executing an approved change request: its command runs through the one change table, as
the requester (so ownership, the rate limit, the commitment lock and the contract guard all
apply as if they had made the change themselves), and the request's outcome lands in the
change's own transaction.

The units of work handed to the command's handler stage the request's `applied` (and its
event) when the handler saves the subscription, so the change and its record commit together
or not at all: a second execution finds the request applied and changes nothing, and of two
racing executions one commit fails. A guard's refusal commits no change; `not_applied` is then
recorded with the guard's code.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Self, cast

from ..domain.change_requests import ChangeKind, ChangeRequest, Outcome, RequestClosed
from ..domain.company_access import executing_approved
from ..domain.errors import DomainError
from ..domain.lifecycle import Status
from ..domain.scheduled_change import ChangeKind as Scheduled
from ..domain.scheduled_change import resume_at_problem
from ..ports.change_requests import ChangeRequestUnitOfWork
from ..ports.storage import ConcurrencyConflict, OpsEvents, SubscriptionRepository, UnitOfWork
from .change_request_commands import to_command
from .command_handlers import ChangeDeps, handle
from .commands import Caller, Pause
from .subscription_admin import SubscriptionNotFound

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.bigcommerce import BigCommerce
    from ..ports.queues import MessageQueue


def execute(request: ChangeRequest, *, deps: ChangeDeps, now: datetime) -> ChangeRequest:
    """Run the approved request's change; answers the request as recorded afterwards."""
    applying = _Applying(deps, request, now)
    requester = Caller(request.store_hash, request.requested_by.customer_id)
    command = to_command(request)
    # The route checked the pause's end when the request was made; by the approval it may
    # have passed.
    ends = command.resume_at if isinstance(command, Pause) else None
    if ends is not None and (problem := resume_at_problem(ends, now)) is not None:
        outcome = Outcome(code="invalid_resume_at", message=f"resume_at {problem}")
        return _not_applied(request, outcome, deps=deps, now=now)
    try:
        # The approver's decision, not the requester's company role, authorizes the change.
        with executing_approved(requester.customer_id, request.subscription_id):
            handle(command, requester, applying, now)
    except RequestClosed:
        pass  # another execution recorded it first: nothing of this one was written
    except ConcurrencyConflict:
        if _current(deps, request).status.value == "approved":
            raise  # a change of the subscription won the race: approve again to retry
    except SubscriptionNotFound:
        outcome = Outcome(code="not_found", message="the subscription is no longer the requester's")
        return _not_applied(request, outcome, deps=deps, now=now)
    except DomainError as refused:
        if applying.recorded is None:
            return _not_applied(
                request, Outcome(code=refused.code, message=str(refused)), deps=deps, now=now
            )
    return _current(deps, request)


def _current(deps: ChangeDeps, request: ChangeRequest) -> ChangeRequest:
    with cast(ChangeRequestUnitOfWork, deps.unit_of_work()) as uow:
        found = uow.change_requests.get(request.store_hash, request.subscription_id, request.id)
    assert found is not None  # requests are never deleted
    return found


def _not_applied(
    request: ChangeRequest, outcome: Outcome, *, deps: ChangeDeps, now: datetime
) -> ChangeRequest:
    with cast(ChangeRequestUnitOfWork, deps.unit_of_work()) as uow:
        current = uow.change_requests.get(request.store_hash, request.subscription_id, request.id)
        sub = uow.subscriptions.get(request.store_hash, request.subscription_id)
        assert current is not None and sub is not None  # neither is ever deleted
        event = current.not_applied(outcome, now)  # RequestClosed: recorded already
        sub.record_event(event.type, now, event.data)
        uow.change_requests.save(current)
        uow.subscriptions.save(sub)
        uow.commit()
    return current


def _outcome(request: ChangeRequest, sub: Subscription) -> Outcome | None:
    """None when the saved subscription carries the change; else why it does not. A cancel
    inside a contract's notice window in `route` mode is saved (routed to the merchant's legal
    team) without being cancelled."""
    if request.kind == ChangeKind.CANCEL and not (
        sub.status == Status.CANCELLED or sub.scheduled_at(Scheduled.CANCEL) is not None
    ):
        return Outcome(code="cancel_routed_to_legal", message="routed to the merchant's legal team")
    return None


class _Applying:
    """The change table's dependencies, with units of work that record the request."""

    def __init__(self, deps: ChangeDeps, request: ChangeRequest, now: datetime) -> None:
        self._deps, self.request, self.now = deps, request, now
        self.recorded: ChangeRequest | None = None

    def unit_of_work(self) -> UnitOfWork:
        inner = cast(ChangeRequestUnitOfWork, self._deps.unit_of_work())
        return _RecordingUnitOfWork(self, inner)

    @property
    def bigcommerce(self) -> BigCommerce:
        return self._deps.bigcommerce

    @property
    def ops_events(self) -> OpsEvents:
        return self._deps.ops_events

    @property
    def renewal_queue(self) -> MessageQueue:
        return self._deps.renewal_queue


class _RecordingUnitOfWork:
    def __init__(self, applying: _Applying, inner: ChangeRequestUnitOfWork) -> None:
        self._inner = inner
        self.subscriptions: SubscriptionRepository = _RecordingSubscriptions(applying, inner)
        self.charges, self.order_links, self.plans = inner.charges, inner.order_links, inner.plans
        self.customer_links, self.tenant_configs = inner.customer_links, inner.tenant_configs
        self.deliveries, self.rate_limits = inner.deliveries, inner.rate_limits
        self.custom_fields = inner.custom_fields

    def __enter__(self) -> Self:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)

    def commit(self) -> None:
        self._inner.commit()

    def rollback(self) -> None:
        self._inner.rollback()


class _RecordingSubscriptions:
    def __init__(self, applying: _Applying, uow: ChangeRequestUnitOfWork) -> None:
        self._applying, self._uow = applying, uow

    def get(self, store_hash: str, subscription_id: str) -> Subscription | None:
        return self._uow.subscriptions.get(store_hash, subscription_id)

    def add(self, sub: Subscription) -> None:
        self._uow.subscriptions.add(sub)

    def save(self, sub: Subscription) -> None:
        """The subscription as the change leaves it, with the request's outcome beside it."""
        request, now = self._applying.request, self._applying.now
        if sub.id == request.subscription_id and self._applying.recorded is None:
            current = self._uow.change_requests.get(sub.store_hash, sub.id, request.id)
            if current is None:
                raise RequestClosed(request.status)
            outcome = _outcome(current, sub)
            # Only an approved request may move on (RequestClosed otherwise): this read, and the
            # request's version checked at commit, make the change happen once.
            event = current.applied(now) if outcome is None else current.not_applied(outcome, now)
            sub.record_event(event.type, now, event.data)
            self._uow.change_requests.save(current)
            self._applying.recorded = current
        self._uow.subscriptions.save(sub)
