"""Portal routes only a company's admin has: handing a company subscription's paying to
another buyer of the company."""

from __future__ import annotations

from typing import cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict

from ..bootstrap import container
from ..domain.company_access import CompanyAdminOnly, PayerNotInCompany
from ..ports.storage import UnitOfWork
from ..services.company_payer import reassign_payer
from .actor_views import ActorsView
from .api_base import ApiModel
from .change_pipeline import CurrentCaller
from .input_types import Id
from .responses import error, json_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class PayerRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: Id


@router.put("/subscriptions/<subscription_id>/payer")
def put_payer(subscription_id: str, caller: CurrentCaller, request: PayerRequest) -> ActorsView:
    """The company's admin names another of its buyers as the payer."""
    c = container()
    sub = reassign_payer(
        caller,
        subscription_id,
        request.customer_id,
        uow_factory=lambda: cast(UnitOfWork, c.unit_of_work()),
        companies=c.company_directory,
        now=c.clock.now(),
    )
    return ActorsView.of(sub)


@router.exception_handler(CompanyAdminOnly)  # type: ignore[untyped-decorator]
def _admin_only(failure: CompanyAdminOnly) -> Response[str]:
    role = None if failure.company_role is None else failure.company_role.value
    body = {"error": failure.code, "message": str(failure), "company_role": role}
    return json_response(403, body)


@router.exception_handler(PayerNotInCompany)  # type: ignore[untyped-decorator]
def _not_in_company(failure: PayerNotInCompany) -> Response[str]:
    return error(422, failure.code, str(failure))
