"""The shopper's allotments in the portal: their own grants, only where the store shows
balances to subscribers (tenant config `subscriber_sees_allotments`). Anything else, another
shopper's or another store's grant included, is not found."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ..bootstrap import container
from ..ports.allotment_storage import InvalidGrantCursor
from ..services import allotments as svc
from ..services.commands import Caller
from .allotment_views import (
    ShopperDebitView,
    ShopperGrantDetail,
    ShopperGrantList,
    ShopperGrantView,
)
from .change_pipeline import CurrentCaller
from .responses import error

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

DEBITS_SHOWN = 50  # how many of one grant's debits the shopper sees, oldest first


def _require_shown(caller: Caller) -> None:
    with container().unit_of_work() as uow:
        if not uow.tenant_configs.get(caller.store_hash).subscriber_sees_allotments:
            raise _Hidden()


class _Hidden(Exception):
    """The store does not show allotments to subscribers: for the shopper they do not exist."""


@router.exception_handler(svc.GrantNotFound)  # type: ignore[untyped-decorator]
@router.exception_handler(_Hidden)  # type: ignore[untyped-decorator]
def _not_found(_: Exception) -> Response[str]:
    return error(404, "not_found", "no such allotment")


@router.exception_handler(InvalidGrantCursor)  # type: ignore[untyped-decorator]
def _bad_cursor(_: InvalidGrantCursor) -> Response[str]:
    return error(400, "invalid_cursor", "this cursor was not handed out by this listing")


@router.get("/allotments")
def list_my_allotments(
    caller: CurrentCaller,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=svc.MAX_PAGE)] = 25,
) -> ShopperGrantList:
    assert caller.customer_id is not None  # the portal's caller is always a shopper
    _require_shown(caller)
    grants, next_cursor = svc.list_grants(
        caller.store_hash,
        container().allotments,
        customer_id=caller.customer_id,
        cursor=cursor,
        limit=limit,
    )
    return ShopperGrantList(allotments=[ShopperGrantView.of(g) for g in grants], cursor=next_cursor)


@router.get("/allotments/<grant_id>")
def get_my_allotment(caller: CurrentCaller, grant_id: str) -> ShopperGrantDetail:
    """The grant with its debits, each with what came back of it and what remains."""
    assert caller.customer_id is not None
    _require_shown(caller)
    grants = container().allotments
    grant = svc.get_grant(caller.store_hash, grant_id, grants, customer_id=caller.customer_id)
    debits = grants.debits(caller.store_hash, grant.id, limit=DEBITS_SHOWN)
    return ShopperGrantDetail(
        **ShopperGrantView.of(grant).model_dump(),
        debits=[ShopperDebitView.of(d) for d in debits],
    )
