"""OrderCreatedFunction: a BigCommerce `store/order/created` delivery becomes subscriptions."""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.bc_webhooks import OrderRef, handle_bc_webhook
from bc_subscriptions.entrypoints.capture import capture_order
from bc_subscriptions.entrypoints.pipeline_metrics import SUBSCRIPTIONS_CREATED
from bc_subscriptions.observability import logger, metrics, tracer
from bc_subscriptions.services.inbound_webhook import BcWebhook

app = APIGatewayHttpResolver()


@app.post("/webhooks/bigcommerce/order-created")
def order_created() -> Response[str]:
    return handle_bc_webhook(
        app.current_event, scope="store/order/created", data_model=OrderRef, process=capture
    )


def capture(payload: BcWebhook) -> str:
    result = capture_order(container(), payload.store_hash, int(payload.data["id"]))
    metrics.add_metric(SUBSCRIPTIONS_CREATED, MetricUnit.Count, len(result.subscription_ids))
    return result.outcome


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@metrics.log_metrics(capture_cold_start_metric=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
