"""OrderTransactionCreatedFunction: a verified `store/order/transaction/created` delivery is
recorded and queued; the worker settles a renewal payment the gateway left pending."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.entrypoints.bc_webhook_models import TransactionData
from bc_subscriptions.entrypoints.bc_webhooks import handle_bc_webhook
from bc_subscriptions.observability import logger, metrics

ROUTE = "POST /webhooks/bigcommerce/order-transaction-created"


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_bc_webhook(
        event, ROUTE, scope="store/order/transaction/created", data_model=TransactionData
    )
