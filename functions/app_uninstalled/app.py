"""AppUninstalledFunction: a verified `store/app/uninstalled` delivery is recorded and queued;
the worker closes the store, as the `/uninstall` callback does."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.entrypoints.bc_webhook_models import StoreRef
from bc_subscriptions.entrypoints.bc_webhooks import handle_bc_webhook
from bc_subscriptions.observability import logger, metrics

ROUTE = "POST /webhooks/bigcommerce/app-uninstalled"


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True
)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return handle_bc_webhook(
        event, ROUTE, scope="store/app/uninstalled", data_model=StoreRef, accept_uninstalled=True
    )
