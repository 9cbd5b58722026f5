"""Routes only a shopper has: the list of their own subscriptions, their stored cards, and
moving every subscription to another of those cards."""

from __future__ import annotations

from typing import Annotated, cast

import msgspec
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field

from ..bootstrap import container
from ..ports.storage import UnitOfWork
from ..services import subscription_admin as admin
from ..services.actor_access import principal
from ..services.commands import ChangePaymentMethod
from ..services.payment_method_change import UnknownInstrument, UnusableInstrument
from ..services.portal_listing import shopper_page
from .actor_views import PortalSubscriptionList, PortalSubscriptionView
from .api_base import ApiModel
from .api_models import SubscriptionList, SubscriptionView
from .change_pipeline import CurrentCaller, run
from .input_types import SingleLine
from .responses import error

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class PaymentMethodRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")

    instrument_token: SingleLine = Field(min_length=1, max_length=200)


@router.get("/subscriptions")
def list_subscriptions(
    caller: CurrentCaller,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = 25,
) -> PortalSubscriptionList:
    """Every subscription the shopper holds a role on, then (from the company index) the rest
    of the company they buy for, `limit` at a time, with what their roles allow."""
    assert caller.customer_id is not None  # the portal's caller is always a shopper
    c = container()
    subs, next_cursor = shopper_page(
        caller.store_hash,
        caller.customer_id,
        reader=c.subscription_reads,
        index=c.company_subscriptions,
        cursor=cursor,
        limit=limit,
    )
    who = principal(cast(UnitOfWork, c.unit_of_work()), caller.store_hash, caller.customer_id)
    items = [PortalSubscriptionView.for_shopper(s, who) for s in subs]
    return PortalSubscriptionList(items=items, next_cursor=next_cursor)


class StoredCardView(ApiModel):
    """One of the shopper's stored instruments in BigCommerce, as they may pick it."""

    token: str
    type: str
    brand: str
    last_4: str
    expiry_month: int | None
    expiry_year: int | None
    is_default: bool


class StoredCardList(ApiModel):
    items: list[StoredCardView]


@router.get("/payment-methods")
def list_payment_methods(caller: CurrentCaller) -> StoredCardList:
    """The shopper's stored instruments, any of which `PUT /portal/payment-method` accepts."""
    assert caller.customer_id is not None  # the portal's caller is always a shopper
    stored = container().bigcommerce.list_stored_instruments(caller.store_hash, caller.customer_id)
    return StoredCardList(items=[StoredCardView(**msgspec.structs.asdict(i)) for i in stored])


@router.put("/payment-method")
def put_payment_method(caller: CurrentCaller, request: PaymentMethodRequest) -> SubscriptionList:
    subs = run(ChangePaymentMethod(request.instrument_token), caller)
    return SubscriptionList(items=[SubscriptionView.of(s) for s in subs], next_cursor=None)


@router.exception_handler(UnknownInstrument)  # type: ignore[untyped-decorator]
def _unknown_instrument(_: UnknownInstrument) -> Response[str]:
    return error(422, "unknown_instrument", "not one of your stored payment methods")


@router.exception_handler(UnusableInstrument)  # type: ignore[untyped-decorator]
def _unusable_instrument(_: UnusableInstrument) -> Response[str]:
    return error(422, "unusable_instrument", "that stored card has expired")
