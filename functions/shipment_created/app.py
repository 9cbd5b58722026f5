"""ShipmentCreatedFunction: a BigCommerce `store/shipment/created` delivery."""

from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, Field

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.bc_webhooks import handle_bc_webhook
from bc_subscriptions.observability import logger, metrics, tracer
from bc_subscriptions.ports.storage import UnitOfWork
from bc_subscriptions.services.inbound_webhook import BcWebhook
from bc_subscriptions.services.payment_actions import ActionDeps
from bc_subscriptions.services.shipments import on_shipment

app = APIGatewayHttpResolver()


class ShipmentData(BaseModel):
    """`data` of `store/shipment/created`: `{"type": "shipment", "id", "orderId"}`."""

    type: str
    id: int
    order_id: int = Field(alias="orderId")


@app.post("/webhooks/bigcommerce/shipment-created")
def shipment_created() -> Response[str]:
    return handle_bc_webhook(
        app.current_event,
        scope="store/shipment/created",
        data_model=ShipmentData,
        process=on_shipment_created,
    )


def on_shipment_created(payload: BcWebhook) -> str:
    data = ShipmentData.model_validate(payload.data)
    c = container()
    deps = ActionDeps(cast(UnitOfWork, c.unit_of_work()), c.bigcommerce, c.clock)
    return on_shipment(payload.store_hash, data.order_id, deps)


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@metrics.log_metrics(capture_cold_start_metric=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
