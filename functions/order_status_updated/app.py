"""OrderStatusUpdatedFunction: a BigCommerce `store/order/statusUpdated` delivery."""

from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.bc_webhooks import handle_bc_webhook
from bc_subscriptions.entrypoints.capture import capture_order
from bc_subscriptions.observability import logger, metrics, tracer
from bc_subscriptions.ports.storage import UnitOfWork
from bc_subscriptions.services.inbound_webhook import BcWebhook
from bc_subscriptions.services.order_status import (
    StatusChange,
    react,
    start_subscriptions_when_paid,
)
from bc_subscriptions.services.payment_actions import ActionDeps
from bc_subscriptions.services.payment_reactions import capture_when_fulfilled, void_when_cancelled

app = APIGatewayHttpResolver()


class StatusIds(BaseModel):
    previous_status_id: int
    new_status_id: int


class StatusData(BaseModel):
    """`data` of `store/order/statusUpdated`: `{"type": "order", "id", "status": {...}}`."""

    type: str
    id: int
    status: StatusIds


@app.post("/webhooks/bigcommerce/order-status-updated")
def order_status_updated() -> Response[str]:
    return handle_bc_webhook(
        app.current_event,
        scope="store/order/statusUpdated",
        data_model=StatusData,
        process=on_status_updated,
    )


def on_status_updated(payload: BcWebhook) -> str:
    data = StatusData.model_validate(payload.data)
    change = StatusChange(
        payload.store_hash, data.id, data.status.previous_status_id, data.status.new_status_id
    )
    c = container()

    def action_deps() -> ActionDeps:
        return ActionDeps(cast(UnitOfWork, c.unit_of_work()), c.bigcommerce, c.clock)

    reactions = [
        start_subscriptions_when_paid(lambda store, order: capture_order(c, store, order)),
        capture_when_fulfilled(action_deps),
        void_when_cancelled(action_deps),
    ]
    return react(change, reactions)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@metrics.log_metrics(capture_cold_start_metric=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
