"""CustomerDeletedFunction: a verified `store/customer/deleted` delivery is recorded and queued;
the worker stops the customer's subscriptions."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.entrypoints.bc_webhook_models import CustomerRef
from bc_subscriptions.entrypoints.bc_webhooks import handle_bc_webhook
from bc_subscriptions.observability import logger, metrics

ROUTE = "POST /webhooks/bigcommerce/customer-deleted"


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_bc_webhook(event, ROUTE, scope="store/customer/deleted", data_model=CustomerRef)
