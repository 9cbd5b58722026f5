"""Subscription routes only the merchant has: the filtered list, the payment ops queues, a
payment retry, a stored card put on one subscription, a variant swap and a subscription's own
contract term."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field

from ..bootstrap import container
from ..domain.lifecycle import Status
from ..services import subscription_admin as admin
from ..services.commands import Caller, ChooseCard, RetryPayment, SetContract, SwapVariant
from ..services.payment_recovery import UnknownInstrument, UnusableInstrument
from .api_base import ApiModel
from .api_models import (
    ContractTerm,
    OpsQueue,
    OpsQueueItem,
    RetryScheduled,
    SubscriptionList,
    SubscriptionView,
    VariantSwap,
)
from .change_pipeline import CurrentCaller, run
from .input_types import SingleLine
from .responses import error

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


@router.get("/subscriptions")
def list_subscriptions(
    caller: CurrentCaller,
    status: Annotated[Status | None, Query()] = None,
    customer_id: Annotated[int | None, Query(ge=1)] = None,
    product_id: Annotated[int | None, Query(ge=1)] = None,
    renews_after: Annotated[datetime | None, Query()] = None,
    renews_before: Annotated[datetime | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = 25,
) -> SubscriptionList:
    filters = admin.Filters(status, customer_id, product_id, renews_after, renews_before)
    subs, next_cursor = admin.list_subscriptions(
        caller.store_hash,
        filters,
        reader=container().subscription_reads,
        cursor=cursor,
        limit=limit,
    )
    return SubscriptionList(items=[SubscriptionView.of(s) for s in subs], next_cursor=next_cursor)


@router.get("/ops/failed-charges")
def failed_charges(
    caller: CurrentCaller,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = 25,
) -> OpsQueue:
    """Past-due subscriptions (a renewal charge declined) with their dunning state."""
    return _ops_queue(caller, "failed_charges", cursor, limit)


@router.get("/ops/requires-action")
def requires_action(
    caller: CurrentCaller,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = 25,
) -> OpsQueue:
    """Subscriptions waiting for the shopper: a new payment method or authentication."""
    return _ops_queue(caller, "requires_action", cursor, limit)


def _ops_queue(caller: Caller, queue: str, cursor: str | None, limit: int) -> OpsQueue:
    subs, next_cursor = admin.ops_queue(
        caller.store_hash, queue, reader=container().subscription_reads, cursor=cursor, limit=limit
    )
    return OpsQueue(items=[OpsQueueItem.of(s) for s in subs], next_cursor=next_cursor)


@router.post("/subscriptions/<subscription_id>/retry-payment")
def retry_payment(subscription_id: str, caller: CurrentCaller) -> RetryScheduled:
    """Retry the declined renewal charge now instead of at its scheduled retry."""
    sub, cycle = run(RetryPayment(subscription_id), caller)
    return RetryScheduled(subscription=SubscriptionView.of(sub), cycle=cycle)


class CardChoice(ApiModel):
    model_config = ConfigDict(extra="forbid")

    instrument_token: SingleLine = Field(min_length=1, max_length=200)


class CardChosen(ApiModel):
    subscription: SubscriptionView
    # The cycle being paid again at once with the card (None: nothing waited on a card).
    retried_cycle: int | None


@router.put("/subscriptions/<subscription_id>/payment-method")
def choose_payment_method(
    subscription_id: str, caller: CurrentCaller, request: CardChoice
) -> CardChosen:
    """Put one of the customer's stored cards on the subscription; a cycle waiting on a card
    is retried at once with it, on its existing order."""
    sub, cycle = run(ChooseCard(subscription_id, request.instrument_token), caller)
    return CardChosen(subscription=SubscriptionView.of(sub), retried_cycle=cycle)


@router.exception_handler(UnknownInstrument)  # type: ignore[untyped-decorator]
def _unknown_instrument(_: UnknownInstrument) -> Response[str]:
    return error(422, "unknown_instrument", "not one of the customer's stored payment methods")


@router.exception_handler(UnusableInstrument)  # type: ignore[untyped-decorator]
def _unusable_instrument(_: UnusableInstrument) -> Response[str]:
    return error(422, "unusable_instrument", "that stored card has expired")


@router.post("/subscriptions/<subscription_id>/variant")
def swap_variant(
    subscription_id: str, caller: CurrentCaller, request: VariantSwap
) -> SubscriptionView:
    """Renew another variant of a line's product from the next renewal, at its catalog price."""
    command = SwapVariant(subscription_id, request.product_id, request.variant_id)
    return SubscriptionView.of(run(command, caller))


@router.put("/subscriptions/<subscription_id>/contract")
def set_contract(
    subscription_id: str, caller: CurrentCaller, request: ContractTerm
) -> SubscriptionView:
    """This subscription's own contract term: its cancels are guarded by it, not the store's."""
    return SubscriptionView.of(run(SetContract(subscription_id, request.guard()), caller))


@router.delete("/subscriptions/<subscription_id>/contract")
def remove_contract(subscription_id: str, caller: CurrentCaller) -> SubscriptionView:
    """Back to the store's contract term (if it has one)."""
    return SubscriptionView.of(run(SetContract(subscription_id, None), caller))
