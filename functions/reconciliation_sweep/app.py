"""ReconciliationSweepFunction: declared, not built yet; each run says so in its result and log."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.entrypoints.sweeps import not_implemented_sweep
from bc_subscriptions.observability import logger


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return not_implemented_sweep("reconciliation")
