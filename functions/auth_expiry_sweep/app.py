"""AuthExpirySweepFunction: hourly, authorizations that are pending, due, or close to expiry."""

from typing import Any, cast

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.adapters.dynamodb.open_authorizations import OpenAuthorizations
from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.pipeline_metrics import AUTHORIZATIONS_SEEN
from bc_subscriptions.entrypoints.sweeps import SweepInvocation
from bc_subscriptions.observability import logger, metrics
from bc_subscriptions.ports.storage import UnitOfWork
from bc_subscriptions.services.auth_expiry_sweep import sweep_authorizations
from bc_subscriptions.services.payment_actions import ActionDeps


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    invocation = SweepInvocation.model_validate(event)
    c = container()

    def deps() -> ActionDeps:
        return ActionDeps(cast(UnitOfWork, c.unit_of_work()), c.bigcommerce, c.clock)

    result = sweep_authorizations(
        c.clock.now(),
        index=OpenAuthorizations(),
        deps=deps,
        time_left_ms=context.get_remaining_time_in_millis,
    )
    metrics.add_metric(AUTHORIZATIONS_SEEN, MetricUnit.Count, result.seen)
    summary = {"seen": result.seen, **result.outcomes}
    logger.info("auth-expiry sweep", execution_id=invocation.execution_id, **summary)
    return summary
