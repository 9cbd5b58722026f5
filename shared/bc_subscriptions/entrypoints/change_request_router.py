"""Change requests over the API. `router` is shared by the admin and portal APIs (each under
its prefix, the caller deciding the scope): one request of a subscription, approve, reject.
`queue_router` is the merchant's approval queue among the ops views. The 202 a shopper's
change answers when it must wait for approval is registered here too, for both APIs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from msgspec.structs import asdict
from pydantic import ConfigDict, Field

from ..bootstrap import container
from ..domain.change_requests import MAX_REASON, ChangeRequest, Requester
from ..services import change_requests as requests
from ..services.command_handlers import ChangeDeps
from .admin_auth import session_store
from .api_base import ApiModel
from .change_pipeline import ChangeRequestSubmitted, CurrentCaller, approval_policy
from .input_types import SingleLine
from .responses import error, json_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
queue_router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class ChangeRequestView(ApiModel):
    id: str
    subscription_id: str
    kind: str = Field(description="pause | cancel | skip | quantity | cadence | address")
    change: dict[str, Any] = Field(description="The change's arguments, as its route takes them")
    status: str = Field(
        description="pending | approved | rejected | applied | not_applied | expired"
    )
    requested_by: Requester
    submitted_at: datetime
    expires_at: datetime
    decided_by: Requester | None
    decided_at: datetime | None
    reason: str | None = Field(description="The approver's or rejecter's reason")
    outcome: dict[str, str] | None = Field(
        description="Why an approved change was not applied: `code` (the guard's, e.g."
        " cancel_locked) and `message`; null otherwise"
    )
    finished_at: datetime | None

    @classmethod
    def of(cls, r: ChangeRequest) -> ChangeRequestView:
        return cls(
            **{k: v for k, v in asdict(r).items() if k not in ("store_hash", "outcome")},
            outcome=None if r.outcome is None else asdict(r.outcome),
        )


class ChangeRequestQueue(ApiModel):
    items: list[ChangeRequestView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: done")


class Decision(ApiModel):
    model_config = ConfigDict(extra="forbid")

    reason: SingleLine | None = Field(default=None, min_length=1, max_length=MAX_REASON)


def _deps() -> ChangeDeps:
    return cast(ChangeDeps, container())


_ALL = "/subscriptions/<subscription_id>/change-requests"
_ONE = f"{_ALL}/<request_id>"


class ChangeRequestList(ApiModel):
    items: list[ChangeRequestView]


@router.get(_ALL)
def list_change_requests(subscription_id: str, caller: CurrentCaller) -> ChangeRequestList:
    """The subscription's change requests, oldest first, whatever their status."""
    found = requests.subscription_requests(caller, subscription_id, deps=_deps())
    return ChangeRequestList(items=[ChangeRequestView.of(r) for r in found])


@router.get(_ONE)
def get_change_request(
    subscription_id: str, request_id: str, caller: CurrentCaller
) -> ChangeRequestView:
    return ChangeRequestView.of(
        requests.get_request(caller, subscription_id, request_id, deps=_deps())
    )


@router.post(f"{_ONE}/approve")
def approve(
    subscription_id: str, request_id: str, caller: CurrentCaller, body: Decision | None = None
) -> ChangeRequestView:
    """Approve and apply the change (status `applied`), or record why it could not apply
    (`not_applied`, with the guard's code). Approving again answers the request as it is."""
    reason = None if body is None else body.reason
    done = requests.approve(
        caller,
        subscription_id,
        request_id,
        reason,
        deps=_deps(),
        policy=approval_policy(),
        now=container().clock.now(),
    )
    return ChangeRequestView.of(done)


@router.post(f"{_ONE}/reject")
def reject(
    subscription_id: str, request_id: str, caller: CurrentCaller, body: Decision | None = None
) -> ChangeRequestView:
    reason = None if body is None else body.reason
    done = requests.reject(
        caller,
        subscription_id,
        request_id,
        reason,
        deps=_deps(),
        policy=approval_policy(),
        now=container().clock.now(),
    )
    return ChangeRequestView.of(done)


@queue_router.get("/admin/ops/change-requests")
def approval_queue(
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=requests.MAX_PAGE)] = 25,
) -> ChangeRequestQueue:
    """Change requests waiting for the merchant's decision, soonest to expire first."""
    c = container()
    items, next_cursor = requests.pending_requests(
        session_store(queue_router.current_event.headers),
        reads=c.change_request_reads,
        cursor=cursor,
        limit=limit,
        now=c.clock.now(),
    )
    return ChangeRequestQueue(
        items=[ChangeRequestView.of(r) for r in items], next_cursor=next_cursor
    )


@router.exception_handler(ChangeRequestSubmitted)  # type: ignore[untyped-decorator]
def _submitted(submitted: ChangeRequestSubmitted) -> Response[str]:
    view = ChangeRequestView.of(submitted.request)
    return json_response(
        202, {"pending_approval": True, "change_request": view.model_dump(mode="json")}
    )


@router.exception_handler(requests.ChangeRequestNotFound)  # type: ignore[untyped-decorator]
def _no_request(_: requests.ChangeRequestNotFound) -> Response[str]:
    return error(404, "not_found", "no such change request")


@router.exception_handler(requests.NotAnApprover)  # type: ignore[untyped-decorator]
def _not_approver(failure: requests.NotAnApprover) -> Response[str]:
    return json_response(
        403, {"error": "not_an_approver", "message": str(failure), "role": failure.actor}
    )
