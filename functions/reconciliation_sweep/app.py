"""ReconciliationSweepFunction: every 15 minutes, catch up what BigCommerce's webhooks missed."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from msgspec.structs import asdict

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.pipeline_metrics import ORDERS_RECOVERED, RECONCILIATION_FAILED
from bc_subscriptions.entrypoints.reconciliation import reconcile_installed_store
from bc_subscriptions.entrypoints.sweeps import SweepInvocation
from bc_subscriptions.observability import logger, metrics
from bc_subscriptions.services.reconciliation import reconcile_stores


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    invocation = SweepInvocation.from_event(event)
    c = container()
    summary = reconcile_stores(
        stores=c.installs,
        cursors=c.sweep_cursors,
        reconcile=lambda store_hash: reconcile_installed_store(c, store_hash),
        time_left_ms=context.get_remaining_time_in_millis,
    )
    metrics.add_metric(ORDERS_RECOVERED, MetricUnit.Count, summary.orders_captured)
    metrics.add_metric(RECONCILIATION_FAILED, MetricUnit.Count, summary.failed_stores)
    logger.info("reconciliation sweep", execution_id=invocation.execution_id, **asdict(summary))
    return asdict(summary)
