"""PortalApiFunction: the shopper's API, authenticated by BigCommerce's current-customer JWT.

A shopper sees and changes only the subscriptions they own; anything else is not found.
"""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints import action_page
from bc_subscriptions.entrypoints.api_models import (
    AddressChange,
    CadenceChange,
    CancelRequest,
    CancelView,
    PauseRequest,
    QuantityChange,
    SubscriptionDetail,
    SubscriptionList,
    SubscriptionView,
)
from bc_subscriptions.entrypoints.input_types import SingleLine
from bc_subscriptions.entrypoints.responses import error
from bc_subscriptions.entrypoints.subscription_routes import (
    checked_resume_at,
    register_error_handlers,
)
from bc_subscriptions.observability import logger, tracer
from bc_subscriptions.services import subscription_admin as admin
from bc_subscriptions.services import subscription_changes as changes
from bc_subscriptions.services.admin_session import InvalidSession, bearer
from bc_subscriptions.services.cancel_flow import cancel_subscription
from bc_subscriptions.services.customer_jwt import (
    InvalidCustomerToken,
    Shopper,
    verify_customer_jwt,
)
from bc_subscriptions.services.payment_method_change import (
    UnknownInstrument,
    UnusableInstrument,
    change_payment_method,
)

app = APIGatewayHttpResolver(enable_validation=True)
# The action-link page: the shopper's other way in, by a link instead of a storefront login.
app.include_router(action_page.router)


class PaymentMethodRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument_token: SingleLine = Field(min_length=1, max_length=200)


def _shopper() -> Shopper:
    c = container()
    token = bearer(app.current_event.headers.get("authorization"))
    shopper = verify_customer_jwt(
        token,
        client_secret=c.client_secret(),
        client_id=c.settings.bc_client_id,
        now=c.wall_clock.now(),
    )
    install = c.installs.get(shopper.store_hash)
    if install is None or install.status != "installed":
        raise InvalidCustomerToken("store_not_installed")
    return shopper


def _anonymous() -> Response[str] | None:
    """The 401 for a caller without a valid customer token, before anything they sent is read."""
    try:
        _shopper()
    except InvalidSession as failure:
        return _no_token(failure)
    except InvalidCustomerToken as failure:
        return _unauthorized(failure)
    return None


register_error_handlers(app, _anonymous)


@app.get("/portal/subscriptions")
def list_subscriptions(
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = 25,
) -> SubscriptionList:
    shopper = _shopper()
    subs, next_cursor = admin.list_subscriptions(
        shopper.store_hash,
        admin.Filters(customer_id=shopper.customer_id),
        reader=container().subscription_reads,
        cursor=cursor,
        limit=limit,
    )
    return SubscriptionList(items=[SubscriptionView.of(s) for s in subs], next_cursor=next_cursor)


@app.get("/portal/subscriptions/<subscription_id>")
def get_subscription(subscription_id: str) -> SubscriptionDetail:
    shopper, c = _shopper(), container()
    sub, history = admin.subscription_detail(
        shopper.store_hash,
        subscription_id,
        uow=c.unit_of_work(),
        reader=c.subscription_reads,
        customer_id=shopper.customer_id,
    )
    return SubscriptionDetail(subscription=SubscriptionView.of(sub), **history)


@app.post("/portal/subscriptions/<subscription_id>/pause")
def pause(subscription_id: str, request: PauseRequest | None = None) -> SubscriptionView:
    """Pause indefinitely, or until `resume_at`."""
    return _change(subscription_id, lambda now: admin.pause(now, checked_resume_at(request, now)))


@app.post("/portal/subscriptions/<subscription_id>/resume")
def resume(subscription_id: str) -> SubscriptionView:
    return _change(subscription_id, admin.resume)


@app.post("/portal/subscriptions/<subscription_id>/skip")
def skip(subscription_id: str) -> SubscriptionView:
    return _change(subscription_id, admin.skip)


@app.post("/portal/subscriptions/<subscription_id>/cancel")
def cancel(subscription_id: str, request: CancelRequest) -> CancelView:
    shopper, c = _shopper(), container()
    done = cancel_subscription(
        shopper.store_hash,
        subscription_id,
        actor="shopper",
        uow_factory=c.unit_of_work,
        ops=c.ops_events,
        now=c.clock.now(),
        customer_id=shopper.customer_id,
        when=request.when,
    )
    return CancelView(
        **SubscriptionView.of(done.subscription).model_dump(),
        early_cancel_fee=done.early_cancel_fee,
    )


@app.put("/portal/payment-method")
def put_payment_method(request: PaymentMethodRequest) -> SubscriptionList:
    shopper, c = _shopper(), container()
    subs = change_payment_method(
        shopper.store_hash,
        shopper.customer_id,
        request.instrument_token,
        bc=c.bigcommerce,
        uow_factory=c.unit_of_work,
        queue=c.renewal_queue,
        now=c.clock.now(),
    )
    return SubscriptionList(items=[SubscriptionView.of(s) for s in subs], next_cursor=None)


@app.delete("/portal/subscriptions/<subscription_id>/scheduled-cancel")
def withdraw_scheduled_cancel(subscription_id: str) -> SubscriptionView:
    """Withdraw a cancel scheduled at period end; the subscription renews as before."""
    return _change(subscription_id, admin.withdraw_scheduled_cancel)


@app.post("/portal/subscriptions/<subscription_id>/quantity")
def change_quantity(subscription_id: str, request: QuantityChange) -> SubscriptionView:
    return _change(
        subscription_id, lambda now: changes.quantity(request.product_id, request.quantity, now)
    )


@app.put("/portal/subscriptions/<subscription_id>/shipping-address")
def change_address(subscription_id: str, request: AddressChange) -> SubscriptionView:
    return _change(subscription_id, lambda now: changes.shipping_address(request.fields(), now))


@app.post("/portal/subscriptions/<subscription_id>/cadence")
def change_cadence(subscription_id: str, request: CadenceChange) -> SubscriptionView:
    shopper, c = _shopper(), container()
    sub = changes.change_cadence(
        shopper.store_hash,
        subscription_id,
        request.cadence,
        uow_factory=c.unit_of_work,
        now=c.clock.now(),
        customer_id=shopper.customer_id,
    )
    return SubscriptionView.of(sub)


def _change(subscription_id: str, operation: Any) -> SubscriptionView:
    shopper, c = _shopper(), container()
    now = c.clock.now()
    sub = admin.change_subscription(
        shopper.store_hash,
        subscription_id,
        operation(now),
        uow_factory=c.unit_of_work,
        now=now,
        customer_id=shopper.customer_id,
    )
    return SubscriptionView.of(sub)


@app.exception_handler(InvalidSession)
def _no_token(failure: InvalidSession) -> Response[str]:
    return error(401, "unauthorized", f"customer token: {failure.code}")


@app.exception_handler(InvalidCustomerToken)
def _unauthorized(failure: InvalidCustomerToken) -> Response[str]:
    logger.info("customer token rejected", code=failure.code)
    return error(401, "unauthorized", f"customer token: {failure.code}")


@app.exception_handler(UnknownInstrument)
def _unknown_instrument(_: UnknownInstrument) -> Response[str]:
    return error(422, "unknown_instrument", "not one of your stored payment methods")


@app.exception_handler(UnusableInstrument)
def _unusable_instrument(_: UnusableInstrument) -> Response[str]:
    return error(422, "unusable_instrument", "that stored card has expired")


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
