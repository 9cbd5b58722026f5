"""AuthExpirySweepFunction: hourly, authorizations that are pending, due, or close to expiry;
then change requests nobody decided in time (their own partitions of the same index)."""

from typing import Any, cast

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.adapters.dynamodb.open_authorizations import OpenAuthorizations
from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.pipeline_metrics import AUTHORIZATIONS_SEEN
from bc_subscriptions.entrypoints.sweeps import SweepInvocation
from bc_subscriptions.observability import logger, metrics
from bc_subscriptions.ports.change_requests import ChangeRequestUnitOfWork
from bc_subscriptions.ports.storage import UnitOfWork
from bc_subscriptions.services.auth_expiry_sweep import sweep_authorizations
from bc_subscriptions.services.change_requests import expire_requests
from bc_subscriptions.services.payment_actions import ActionDeps


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    invocation = SweepInvocation.from_event(event)
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
    expired = expire_requests(
        c.clock.now(),
        reads=c.change_request_reads,
        uow_factory=lambda: cast(ChangeRequestUnitOfWork, c.unit_of_work()),
        time_left_ms=context.get_remaining_time_in_millis,
    )
    summary = {"seen": result.seen, **result.outcomes, "change_requests_expired": expired}
    logger.info("auth-expiry sweep", execution_id=invocation.execution_id, **summary)
    return summary
