"""One subscription's routes that the admin and portal APIs share (each under its own prefix):
its detail and the changes both a merchant and a shopper may make. The caller decides the
scope: a shopper reaches only their own subscriptions."""

from __future__ import annotations

from typing import cast

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ..bootstrap import container
from ..ports.storage import UnitOfWork
from ..services import subscription_admin as admin
from ..services.commands import (
    Cancel,
    ChangeCadence,
    ChangeQuantity,
    ChangeShippingAddress,
    Pause,
    Resume,
    Skip,
    WithdrawScheduledCancel,
)
from .api_models import (
    AddressChange,
    CadenceChange,
    CancelRequest,
    CancelView,
    PauseRequest,
    QuantityChange,
    SubscriptionDetail,
    SubscriptionView,
)
from .change_pipeline import CurrentCaller, run
from .subscription_routes import checked_resume_at

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


@router.get("/subscriptions/<subscription_id>")
def get_subscription(subscription_id: str, caller: CurrentCaller) -> SubscriptionDetail:
    c = container()
    sub, history = admin.subscription_detail(
        caller.store_hash,
        subscription_id,
        uow=cast(UnitOfWork, c.unit_of_work()),
        reader=c.subscription_reads,
        customer_id=caller.customer_id,
    )
    return SubscriptionDetail(subscription=SubscriptionView.of(sub), **history)


@router.post("/subscriptions/<subscription_id>/pause")
def pause(
    subscription_id: str, caller: CurrentCaller, request: PauseRequest | None = None
) -> SubscriptionView:
    """Pause indefinitely, or until `resume_at`."""
    now = container().clock.now()
    command = Pause(subscription_id, checked_resume_at(request, now))
    return SubscriptionView.of(run(command, caller, now))


@router.post("/subscriptions/<subscription_id>/resume")
def resume(subscription_id: str, caller: CurrentCaller) -> SubscriptionView:
    return SubscriptionView.of(run(Resume(subscription_id), caller))


@router.post("/subscriptions/<subscription_id>/skip")
def skip(subscription_id: str, caller: CurrentCaller) -> SubscriptionView:
    return SubscriptionView.of(run(Skip(subscription_id), caller))


@router.post("/subscriptions/<subscription_id>/cancel")
def cancel(subscription_id: str, caller: CurrentCaller, request: CancelRequest) -> CancelView:
    done = run(Cancel(subscription_id, request.when), caller)
    return CancelView(
        **SubscriptionView.of(done.subscription).model_dump(),
        early_cancel_fee=done.early_cancel_fee,
    )


@router.delete("/subscriptions/<subscription_id>/scheduled-cancel")
def withdraw_scheduled_cancel(subscription_id: str, caller: CurrentCaller) -> SubscriptionView:
    """Withdraw a cancel scheduled at period end; the subscription renews as before."""
    return SubscriptionView.of(run(WithdrawScheduledCancel(subscription_id), caller))


@router.post("/subscriptions/<subscription_id>/quantity")
def change_quantity(
    subscription_id: str, caller: CurrentCaller, request: QuantityChange
) -> SubscriptionView:
    command = ChangeQuantity(subscription_id, request.product_id, request.quantity)
    return SubscriptionView.of(run(command, caller))


@router.put("/subscriptions/<subscription_id>/shipping-address")
def change_address(
    subscription_id: str, caller: CurrentCaller, request: AddressChange
) -> SubscriptionView:
    command = ChangeShippingAddress(subscription_id, request.fields())
    return SubscriptionView.of(run(command, caller))


@router.post("/subscriptions/<subscription_id>/cadence")
def change_cadence(
    subscription_id: str, caller: CurrentCaller, request: CadenceChange
) -> SubscriptionView:
    return SubscriptionView.of(run(ChangeCadence(subscription_id, request.cadence), caller))
