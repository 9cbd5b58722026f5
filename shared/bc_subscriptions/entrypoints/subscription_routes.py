"""Translating service outcomes into HTTP answers, shared by the admin and portal handlers."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from ..adapters.dynamodb.subscription_reads import InvalidCursor
from ..domain.errors import DomainError, InvalidTransition
from ..domain.subscription import resume_at_problem
from ..services.cancel_flow import CancelLocked, ContractNoticePeriod, RateLimited
from ..services.subscription_admin import SubscriptionNotFound
from .api_models import PauseRequest
from .responses import error, json_response


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    """The answers the admin and portal APIs give alike: 404 for a subscription that is not
    the caller's (never revealing it exists), 409 for a refused change, 429, 400 for a bad
    cursor, 422 listing the invalid fields, and a JSON 404 for an unknown route."""
    app.exception_handler(SubscriptionNotFound)(lambda _: not_found())
    app.exception_handler(RateLimited)(rate_limited)
    app.exception_handler(DomainError)(conflict)
    app.exception_handler(InvalidCursor)(bad_cursor)
    app.exception_handler(RequestValidationError)(invalid_request)
    app.not_found(lambda _: error(404, "no_route", "no such route"))


def not_found() -> Response[str]:
    return error(404, "not_found", "no such subscription")


def bad_cursor(failure: InvalidCursor) -> Response[str]:
    return error(400, "invalid_cursor", str(failure))


def conflict(failure: DomainError) -> Response[str]:
    body: dict[str, Any] = {"error": failure.code, "message": str(failure)}
    if isinstance(failure, InvalidTransition):
        body |= {"status": failure.status, "command": failure.command}
    if isinstance(failure, CancelLocked):
        body |= {
            "earliest_cancel_at": failure.earliest_cancel_at.isoformat().replace("+00:00", "Z"),
            "remaining_cycles": failure.remaining_cycles,
        }
    if isinstance(failure, ContractNoticePeriod):
        body["window_opens_at"] = failure.window_opens_at.isoformat().replace("+00:00", "Z")
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
