"""RenewalSweepFunction: every 5 minutes, enqueue each due subscription cycle on RenewalQueue."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from msgspec.structs import asdict

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.pipeline_metrics import RENEWALS_DUE, STUCK_WORKFLOWS
from bc_subscriptions.entrypoints.sweeps import SweepInvocation
from bc_subscriptions.observability import logger, metrics
from bc_subscriptions.services.allotment_refresh import sweep_allotment_refreshes
from bc_subscriptions.services.renewal_sweep import sweep_due_renewals


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    invocation = SweepInvocation.from_event(event)
    c = container()
    result = sweep_due_renewals(
        c.clock.now(),
        due=c.due_subscriptions,
        queue=c.renewal_queue,
        time_left_ms=context.get_remaining_time_in_millis,
        pace=c.api_budgets.get,
    )
    metrics.add_metric(RENEWALS_DUE, MetricUnit.Count, result.enqueued)
    # Every sweep re-enqueues what is still due, so each run's figure is the stuck count now.
    metrics.add_metric(STUCK_WORKFLOWS, MetricUnit.Count, result.overdue)
    summary = {k: v for k, v in asdict(result).items() if k != "per_store"}
    logger.info("renewal sweep", execution_id=invocation.execution_id, **summary)
    # Allotments due a new period, in the time the renewals left (what is left stays due).
    refreshed = sweep_allotment_refreshes(
        c.clock.now(),
        due=c.allotment_due,
        deps=c.allotment_deps(),
        time_left_ms=context.get_remaining_time_in_millis,
    )
    logger.info("allotment refresh sweep", **asdict(refreshed))
    return summary
