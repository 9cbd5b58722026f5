"""The merchant's plan routes: a product's plan as BigCommerce holds it, and setting it."""

from __future__ import annotations

from typing import Any, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.request import Request
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ..bootstrap import container
from ..domain.plan_metafield import InvalidPlan, parse_plan
from ..domain.record import to_json_data
from ..ports.storage import UnitOfWork
from ..services.entitlement_groups import check_plan_groups
from ..services.plans import ProductNotFound, publish_plan, read_plan
from .api_models import PlanView
from .change_pipeline import CurrentCaller
from .responses import error, json_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


@router.put("/plans/<product_id>")
def put_plan(product_id: int, caller: CurrentCaller, request: Request) -> dict[str, Any]:
    """Set a product's plan (the JSON of its `bc_subscriptions.plan` metafield) in BigCommerce,
    with the cadence modifier shoppers choose from; answers the plan as stored."""
    c = container()
    document = request.resolved_event.decoded_body or ""
    # The groups a plan grants must be this store's (nothing is written otherwise).
    check_plan_groups(caller.store_hash, parse_plan(product_id, document), c.customer_groups)
    plan = publish_plan(
        caller.store_hash,
        product_id,
        document,
        bc=c.bigcommerce,
        catalog=c.plan_catalog,
        now=c.clock.now(),
        uow=cast(UnitOfWork, c.unit_of_work()),
    )
    return to_json_data(plan)


@router.get("/plans/<product_id>")
def get_plan(product_id: int, caller: CurrentCaller) -> PlanView:
    """A product's plan as BigCommerce holds it now; an invalid one comes back with its error."""
    c = container()
    entry = read_plan(caller.store_hash, product_id, catalog=c.plan_catalog, now=c.clock.now())
    return PlanView.of(entry)


@router.exception_handler(InvalidPlan)  # type: ignore[untyped-decorator]
def _invalid_plan(failure: InvalidPlan) -> Response[str]:
    # `fields` as the settings routes name theirs: the location as a list, and the reason.
    fields = [{"field": list(loc), "message": message} for loc, message in failure.fields]
    body = {"error": "invalid_plan", "message": str(failure), "fields": fields}
    return json_response(422, body)


@router.exception_handler(ProductNotFound)  # type: ignore[untyped-decorator]
def _no_product(_: ProductNotFound) -> Response[str]:
    return error(404, "not_found", "no such product")
