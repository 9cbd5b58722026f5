"""How a route hands its command to the one table: the caller comes in as a dependency that
each API resolves its own way (a merchant's session, a shopper's customer token)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, TypeVar, cast

from aws_lambda_powertools.event_handler.depends import Depends

from ..bootstrap import container
from ..domain.change_requests import ChangeRequest
from ..services.change_approval_policy import ApprovalPolicy
from ..services.change_requests import submit_if_required
from ..services.command_handlers import ChangeDeps, handle
from ..services.commands import Caller, Command
from ..services.company_approval_policy import CompanyApprovalPolicy

R = TypeVar("R")


def current_caller() -> Caller:
    """Who is calling. Each API replaces this, in its `dependency_overrides`, with how it
    authenticates its callers, so the routers it shares with the other API stay the same."""
    raise LookupError("this API does not say how its callers are resolved")


# A route parameter of this type is the authenticated caller; it is not part of the OpenAPI
# document. It is resolved after the request validated and before the route body runs.
CurrentCaller = Annotated[Caller, Depends(current_caller)]


class ChangeRequestSubmitted(Exception):
    """The caller may not make the change directly: it waits for approval as this request
    (the APIs answer 202 with it)."""

    def __init__(self, request: ChangeRequest):
        super().__init__(request.id)
        self.request = request


def approval_policy() -> ApprovalPolicy:
    """Who acts directly and who decides requests (see `change_approval_policy`): the store's
    rule, and on a company's subscription its admins' (`company_approval_policy`)."""
    return CompanyApprovalPolicy()


def run(command: Command[R], caller: Caller, now: datetime | None = None) -> R:
    """The command's answer, at `now` (the business clock's, unless the route read it already).

    A change the caller must ask for instead is submitted as a change request, and
    `ChangeRequestSubmitted` raised with it; nothing else of the command runs."""
    c = container()
    now = c.clock.now() if now is None else now
    # The container's DynamoDB unit of work is the storage port, short of mypy seeing it so.
    deps = cast(ChangeDeps, c)
    request = submit_if_required(command, caller, deps=deps, policy=approval_policy(), now=now)
    if request is not None:
        raise ChangeRequestSubmitted(request)
    return handle(command, caller, deps, now)
