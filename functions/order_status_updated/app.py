"""OrderStatusUpdatedFunction: declared, not built yet; answers 501 instead of pretending."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.entrypoints.responses import not_implemented_proxy
from bc_subscriptions.observability import logger


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return not_implemented_proxy("order status updates")
