"""OutboxCatchUpFunction: every 10 minutes, relay events the stream path has not relayed."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from msgspec.structs import asdict

# Read on every invocation: loaded with the handler, not on its first call.
import bc_subscriptions.adapters.dynamodb.endpoints
import bc_subscriptions.adapters.dynamodb.outbox  # noqa: F401
from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.pipeline_metrics import EVENTS_CAUGHT_UP
from bc_subscriptions.entrypoints.sweeps import SweepInvocation
from bc_subscriptions.observability import logger, metrics
from bc_subscriptions.services.outbox_relay import catch_up


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    invocation = SweepInvocation.from_event(event)
    c = container()
    result = catch_up(
        c.clock.now(),
        outbox=c.outbox,
        endpoints=c.endpoints,
        queue=c.webhook_queue,
        time_left_ms=context.get_remaining_time_in_millis,
    )
    metrics.add_metric(EVENTS_CAUGHT_UP, MetricUnit.Count, result.relayed)
    logger.info("outbox catch-up", execution_id=invocation.execution_id, **asdict(result))
    return asdict(result)
