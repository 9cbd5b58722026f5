"""Translating service outcomes into HTTP answers, shared by the admin and portal handlers."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from ..adapters.dynamodb.subscription_reads import InvalidCursor
from ..domain.actors import RoleForbids
from ..domain.errors import DomainError, InvalidTransition
from ..domain.scheduled_change import resume_at_problem
from ..domain.timestamps import iso_timestamp
from ..ports.storage import ConcurrencyConflict, RetryableStorageError
from ..services.cancel_flow import CancelLocked, ContractNoticePeriod
from ..services.change_limits import RateLimited
from ..services.subscription_admin import SubscriptionNotFound
from .api_models import PauseRequest
from .responses import error, json_response

# The 401 answer for a caller who is not authenticated, or None for one who is.
Authenticate = Callable[[], Response[str] | None]


def register_error_handlers(app: APIGatewayHttpResolver, authenticate: Authenticate) -> None:
    """The answers the admin and portal APIs give alike: 404 for a subscription that is not
    the caller's (never revealing it exists), 409 for a refused change, 429, 400 for a bad
    cursor, 422 listing the invalid fields, and a JSON 404 for an unknown route. A change that
    lost a race with another change of the same record is a 409 `concurrent_change` (nothing
    of it was written: read again and retry); storage throttling is a 503 with Retry-After.

    What is wrong with the request itself (an unknown route, invalid fields, a body that is
    not UTF-8, JSON nested too deeply, a content type we do not read) is found before the
    route runs, so the caller is authenticated first: an anonymous caller always gets 401.
    """
    app.exception_handler(SubscriptionNotFound)(lambda _: not_found())
    app.exception_handler(RateLimited)(rate_limited)
    app.exception_handler(ConcurrencyConflict)(lambda _: concurrent_change())
    app.exception_handler(RetryableStorageError)(lambda _: storage_busy())
    app.exception_handler(DomainError)(conflict)
    app.exception_handler(RoleForbids)(role_forbids)
    app.exception_handler(InvalidCursor)(bad_cursor)
    refusals: dict[type[Exception], Callable[[Any], Response[str]]] = {
        RequestValidationError: invalid_request,
        RequestUnsupportedContentType: lambda _: error(
            415, "unsupported_media_type", "send the body as application/json"
        ),
        UnicodeDecodeError: lambda _: error(400, "invalid_body", "the body is not UTF-8 text"),
        RecursionError: lambda _: error(400, "invalid_body", "the body is nested too deeply"),
    }
    for failure, answer in refusals.items():
        app.exception_handler(failure)(_authenticated_first(authenticate, answer))
    app.not_found(
        _authenticated_first(authenticate, lambda _: error(404, "no_route", "no such route"))
    )


def _authenticated_first(
    authenticate: Authenticate, answer: Callable[[Any], Response[str]]
) -> Callable[[Any], Response[str]]:
    return lambda failure: authenticate() or answer(failure)


def role_forbids(failure: RoleForbids) -> Response[str]:
    """403 naming the caller's roles and the action they do not allow."""
    body = {
        "error": failure.code,
        "message": str(failure),
        "roles": [r.value for r in failure.roles],
        "action": failure.action.value,
    }
    if (company_role := getattr(failure, "company_role", None)) is not None:
        body["company_role"] = company_role.value
    return json_response(403, body)


def not_found() -> Response[str]:
    return error(404, "not_found", "no such subscription")


def concurrent_change() -> Response[str]:
    return error(409, "concurrent_change", "changed by another request meanwhile; read it again")


def storage_busy() -> Response[str]:
    return Response(
        status_code=503,
        content_type="application/json",
        body=json.dumps({"error": "storage_busy", "message": "busy right now; try again"}),
        headers={"Retry-After": "1"},
    )


def bad_cursor(failure: InvalidCursor) -> Response[str]:
    return error(400, "invalid_cursor", str(failure))


def conflict(failure: DomainError) -> Response[str]:
    body: dict[str, Any] = {"error": failure.code, "message": str(failure)}
    if isinstance(failure, InvalidTransition):
        body |= {"status": failure.status, "command": failure.command}
    if isinstance(failure, CancelLocked):
        body |= {
            "earliest_cancel_at": iso_timestamp(failure.earliest_cancel_at),
            "remaining_cycles": failure.remaining_cycles,
        }
    if isinstance(failure, ContractNoticePeriod):
        body["window_opens_at"] = iso_timestamp(failure.window_opens_at)
    return json_response(409, body)


def checked_resume_at(request: PauseRequest | None, now: datetime) -> datetime | None:
    """The pause's end, if one was asked for; one in the past or too far ahead is a 422."""
    resume_at = None if request is None else request.resume_at
    if resume_at is not None and (problem := resume_at_problem(resume_at, now)) is not None:
        raise RequestValidationError(
            [{"loc": ("body", "resume_at"), "msg": problem, "type": "value_error"}]
        )
    return resume_at


def invalid_request(failure: RequestValidationError) -> Response[str]:
    fields = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query")),
            "location": str(e.get("loc", ("",))[0]),
            "message": e.get("msg", ""),
        }
        for e in failure.errors()
    ]
    return Response(
        status_code=422,
        content_type="application/json",
        body=json.dumps({"error": "invalid_request", "fields": fields}, default=str),
    )


def rate_limited(failure: RateLimited) -> Response[str]:
    seconds = max(1, math.ceil(failure.retry_after_s))
    return Response(
        status_code=429,
        content_type="application/json",
        body=json.dumps({"error": "rate_limited", "message": str(failure)}),
        headers={"Retry-After": str(seconds)},
    )
