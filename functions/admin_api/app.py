"""AdminApiFunction: the merchant's API, authenticated by the session token `/load` mints."""

from datetime import datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.contract import ContractGuard
from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.plan_metafield import InvalidPlan
from bc_subscriptions.domain.tenant_config import InvalidTenantConfig
from bc_subscriptions.entrypoints import admin_ops, admin_settings
from bc_subscriptions.entrypoints.admin_auth import session_store
from bc_subscriptions.entrypoints.api_models import (
    AddressChange,
    CadenceChange,
    CancelRequest,
    CancelView,
    OpsQueue,
    OpsQueueItem,
    PauseRequest,
    PlanView,
    QuantityChange,
    RetryScheduled,
    SessionRenewal,
    SubscriptionDetail,
    SubscriptionList,
    SubscriptionView,
    VariantSwap,
)
from bc_subscriptions.entrypoints.input_types import SingleLine
from bc_subscriptions.entrypoints.responses import error, json_response
from bc_subscriptions.entrypoints.subscription_routes import (
    checked_resume_at,
    register_error_handlers,
)
from bc_subscriptions.observability import logger, tracer
from bc_subscriptions.services import subscription_admin as admin
from bc_subscriptions.services import subscription_changes as changes
from bc_subscriptions.services.admin_session import InvalidSession, bearer, renew_session_token
from bc_subscriptions.services.cancel_flow import cancel_subscription
from bc_subscriptions.services.endpoints import EndpointNotFound, InvalidEndpoint
from bc_subscriptions.services.payment_recovery import UnknownInstrument, UnusableInstrument
from bc_subscriptions.services.plans import ProductNotFound, publish_plan, read_plan
from bc_subscriptions.services.webhook_replay import ReplayRefused


class CardChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    instrument_token: SingleLine = Field(min_length=1, max_length=200)


class CardChosen(BaseModel):
    subscription: SubscriptionView
    # The cycle being paid again at once with the card (None: nothing waited on a card).
    retried_cycle: int | None


app = APIGatewayHttpResolver(enable_validation=True)


def _store() -> str:
    return session_store(app.current_event.headers)


def _anonymous() -> Response[str] | None:
    """The 401 for a caller without a valid session, before anything they sent is read."""
    try:
        _store()
    except InvalidSession as failure:
        return _unauthorized(failure)
    return None


register_error_handlers(app, _anonymous)
app.include_router(admin_settings.router)
app.include_router(admin_ops.router)


@app.get("/admin/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    schema = app.get_openapi_json_schema(
        title="bc-subscriptions admin API", version="1.0.0", openapi_version="3.1.0"
    )
    return Response(status_code=200, content_type="application/json", body=schema)


@app.post("/admin/session")
def renew_session() -> SessionRenewal:
    """A fresh session token for a valid one (the control-panel app renews before expiry);
    `401 unauthorized` with `reload_required` once the app must be reopened from BigCommerce."""
    c = container()
    renewed = renew_session_token(
        bearer(app.current_event.headers.get("authorization")),
        installs=c.installs,
        removed_users=c.removed_users,
        client_secret=c.client_secret(),
        now=c.wall_clock.now(),
    )
    return SessionRenewal(token=renewed.token, expires_at=renewed.expires_at)


@app.get("/admin/subscriptions")
def list_subscriptions(
    status: Annotated[Status | None, Query()] = None,
    customer_id: Annotated[int | None, Query(ge=1)] = None,
    product_id: Annotated[int | None, Query(ge=1)] = None,
    renews_after: Annotated[datetime | None, Query()] = None,
    renews_before: Annotated[datetime | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = 25,
) -> SubscriptionList:
    store_hash = _store()
    filters = admin.Filters(status, customer_id, product_id, renews_after, renews_before)
    subs, next_cursor = admin.list_subscriptions(
        store_hash, filters, reader=container().subscription_reads, cursor=cursor, limit=limit
    )
    return SubscriptionList(items=[SubscriptionView.of(s) for s in subs], next_cursor=next_cursor)


@app.get("/admin/ops/failed-charges")
def failed_charges(
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = 25,
) -> OpsQueue:
    """Past-due subscriptions (a renewal charge declined) with their dunning state."""
    return _ops_queue("failed_charges", cursor, limit)


@app.get("/admin/ops/requires-action")
def requires_action(
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=admin.MAX_PAGE)] = 25,
) -> OpsQueue:
    """Subscriptions waiting for the shopper: a new payment method or authentication."""
    return _ops_queue("requires_action", cursor, limit)


def _ops_queue(queue: str, cursor: str | None, limit: int) -> OpsQueue:
    subs, next_cursor = admin.ops_queue(
        _store(), queue, reader=container().subscription_reads, cursor=cursor, limit=limit
    )
    return OpsQueue(items=[OpsQueueItem.of(s) for s in subs], next_cursor=next_cursor)


@app.post("/admin/subscriptions/<subscription_id>/retry-payment")
def retry_payment(subscription_id: str) -> RetryScheduled:
    """Retry the declined renewal charge now instead of at its scheduled retry."""
    store_hash, c = _store(), container()
    sub, cycle = admin.retry_payment_now(
        store_hash,
        subscription_id,
        uow_factory=c.unit_of_work,
        queue=c.renewal_queue,
        now=c.clock.now(),
    )
    return RetryScheduled(subscription=SubscriptionView.of(sub), cycle=cycle)


@app.put("/admin/subscriptions/<subscription_id>/payment-method")
def choose_payment_method(subscription_id: str, request: CardChoice) -> CardChosen:
    """Put one of the customer's stored cards on the subscription; a cycle waiting on a card
    is retried at once with it, on its existing order."""
    store_hash, c = _store(), container()
    sub, cycle = admin.choose_payment_method(
        store_hash,
        subscription_id,
        request.instrument_token,
        uow_factory=c.unit_of_work,
        bc=c.bigcommerce,
        queue=c.renewal_queue,
        now=c.clock.now(),
    )
    return CardChosen(subscription=SubscriptionView.of(sub), retried_cycle=cycle)


@app.put("/admin/plans/<product_id>")
def put_plan(product_id: int) -> dict[str, Any]:
    """Set a product's plan (the JSON of its `bc_subscriptions.plan` metafield) in BigCommerce,
    with the cadence modifier shoppers choose from; answers the plan as stored."""
    c = container()
    plan = publish_plan(
        _store(),
        product_id,
        app.current_event.decoded_body or "",
        bc=c.bigcommerce,
        catalog=c.plan_catalog,
        now=c.clock.now(),
    )
    return plan.model_dump(mode="json")


@app.get("/admin/plans/<product_id>")
def get_plan(product_id: int) -> PlanView:
    """A product's plan as BigCommerce holds it now; an invalid one comes back with its error."""
    c = container()
    entry = read_plan(_store(), product_id, catalog=c.plan_catalog, now=c.clock.now())
    return PlanView.of(entry)


@app.get("/admin/subscriptions/<subscription_id>")
def get_subscription(subscription_id: str) -> SubscriptionDetail:
    store_hash, c = _store(), container()
    sub, history = admin.subscription_detail(
        store_hash, subscription_id, uow=c.unit_of_work(), reader=c.subscription_reads
    )
    return SubscriptionDetail(subscription=SubscriptionView.of(sub), **history)


@app.post("/admin/subscriptions/<subscription_id>/pause")
def pause(subscription_id: str, request: PauseRequest | None = None) -> SubscriptionView:
    """Pause indefinitely, or until `resume_at`."""
    return _change(subscription_id, lambda now: admin.pause(now, checked_resume_at(request, now)))


@app.post("/admin/subscriptions/<subscription_id>/resume")
def resume(subscription_id: str) -> SubscriptionView:
    return _change(subscription_id, admin.resume)


@app.post("/admin/subscriptions/<subscription_id>/skip")
def skip(subscription_id: str) -> SubscriptionView:
    return _change(subscription_id, admin.skip)


@app.post("/admin/subscriptions/<subscription_id>/cancel")
def cancel(subscription_id: str, request: CancelRequest) -> CancelView:
    store_hash, c = _store(), container()
    done = cancel_subscription(
        store_hash,
        subscription_id,
        actor="merchant",
        uow_factory=c.unit_of_work,
        ops=c.ops_events,
        now=c.clock.now(),
        when=request.when,
    )
    return CancelView(
        **SubscriptionView.of(done.subscription).model_dump(),
        early_cancel_fee=done.early_cancel_fee,
    )


@app.delete("/admin/subscriptions/<subscription_id>/scheduled-cancel")
def withdraw_scheduled_cancel(subscription_id: str) -> SubscriptionView:
    """Withdraw a cancel scheduled at period end; the subscription renews as before."""
    return _change(subscription_id, admin.withdraw_scheduled_cancel)


@app.post("/admin/subscriptions/<subscription_id>/quantity")
def change_quantity(subscription_id: str, request: QuantityChange) -> SubscriptionView:
    return _change(
        subscription_id, lambda now: changes.quantity(request.product_id, request.quantity, now)
    )


@app.post("/admin/subscriptions/<subscription_id>/variant")
def swap_variant(subscription_id: str, request: VariantSwap) -> SubscriptionView:
    """Renew another variant of a line's product from the next renewal, at its catalog price."""
    store_hash, c = _store(), container()
    sub = changes.swap_variant(
        store_hash,
        subscription_id,
        request.product_id,
        request.variant_id,
        uow_factory=c.unit_of_work,
        bc=c.bigcommerce,
        now=c.clock.now(),
    )
    return SubscriptionView.of(sub)


@app.put("/admin/subscriptions/<subscription_id>/contract")
def set_contract(subscription_id: str, request: ContractGuard) -> SubscriptionView:
    """This subscription's own contract term: its cancels are guarded by it, not the store's."""
    return _change(subscription_id, lambda now: changes.contract(request, now))


@app.delete("/admin/subscriptions/<subscription_id>/contract")
def remove_contract(subscription_id: str) -> SubscriptionView:
    """Back to the store's contract term (if it has one)."""
    return _change(subscription_id, lambda now: changes.contract(None, now))


@app.put("/admin/subscriptions/<subscription_id>/shipping-address")
def change_address(subscription_id: str, request: AddressChange) -> SubscriptionView:
    return _change(subscription_id, lambda now: changes.shipping_address(request.fields(), now))


@app.post("/admin/subscriptions/<subscription_id>/cadence")
def change_cadence(subscription_id: str, request: CadenceChange) -> SubscriptionView:
    store_hash, c = _store(), container()
    sub = changes.change_cadence(
        store_hash,
        subscription_id,
        request.cadence,
        uow_factory=c.unit_of_work,
        now=c.clock.now(),
    )
    return SubscriptionView.of(sub)


def _change(subscription_id: str, operation: Any) -> SubscriptionView:
    store_hash, c = _store(), container()
    now = c.clock.now()
    sub = admin.change_subscription(
        store_hash, subscription_id, operation(now), uow_factory=c.unit_of_work, now=now
    )
    return SubscriptionView.of(sub)


@app.exception_handler(InvalidSession)
def _unauthorized(failure: InvalidSession) -> Response[str]:
    logger.info("admin session rejected", code=failure.code)
    return error(401, "unauthorized", f"session token: {failure.code}")


@app.exception_handler(UnknownInstrument)
def _unknown_instrument(_: UnknownInstrument) -> Response[str]:
    return error(422, "unknown_instrument", "not one of the customer's stored payment methods")


@app.exception_handler(UnusableInstrument)
def _unusable_instrument(_: UnusableInstrument) -> Response[str]:
    return error(422, "unusable_instrument", "that stored card has expired")


@app.exception_handler(InvalidPlan)
def _invalid_plan(failure: InvalidPlan) -> Response[str]:
    return error(422, "invalid_plan", str(failure))


@app.exception_handler(ProductNotFound)
def _no_product(_: ProductNotFound) -> Response[str]:
    return error(404, "not_found", "no such product")


@app.exception_handler(InvalidTenantConfig)
def _invalid_config(failure: InvalidTenantConfig) -> Response[str]:
    fields = [{"field": e["loc"], "message": e["msg"]} for e in failure.errors]
    return json_response(422, {"error": failure.code, "fields": fields})


@app.exception_handler(InvalidEndpoint)
def _invalid_endpoint(failure: InvalidEndpoint) -> Response[str]:
    return json_response(422, {"error": "invalid_endpoint", "errors": failure.errors})


@app.exception_handler(EndpointNotFound)
def _no_endpoint(_: EndpointNotFound) -> Response[str]:
    return error(404, "not_found", "no such endpoint")


@app.exception_handler(ReplayRefused)
def _replay_refused(failure: ReplayRefused) -> Response[str]:
    status = 404 if failure.code == "endpoint_not_found" else 409
    return error(status, failure.code, str(failure))


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
