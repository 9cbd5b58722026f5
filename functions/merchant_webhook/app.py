"""MerchantWebhookFunction: sign and POST one event to one merchant endpoint per message.

The records of a batch are delivered concurrently, so one slow endpoint (up to its 10 s
timeout) does not hold back the others in the same batch.
"""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

# Read on every invocation: loaded with the handler, not on its first call.
import bc_subscriptions.adapters.dynamodb.delivery_log
import bc_subscriptions.adapters.dynamodb.endpoints  # noqa: F401
from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.partial_batch import SqsMessage, concurrent_sqs_batch
from bc_subscriptions.entrypoints.pipeline_metrics import WEBHOOK_HELD, webhook_metrics
from bc_subscriptions.observability import logger, metrics
from bc_subscriptions.services.messages import DeliverWebhook
from bc_subscriptions.services.webhook_delivery import deliver_webhook


class HeldUntilDue(Exception):
    """Received before its retry time: stays on the queue, hidden until then."""


def deliver(record: SqsMessage) -> str:
    # A body that does not validate fails its record: retried, then dead-lettered by SQS.
    cmd = DeliverWebhook.from_json(record.body)
    c = container()
    result = deliver_webhook(cmd, c.delivery_deps())
    if result.outcome == "early" and result.wait is not None:
        c.webhook_queue.hold(record.receipt_handle, result.wait)
        metrics.add_metric(WEBHOOK_HELD, MetricUnit.Count, 1)
        raise HeldUntilDue(f"{cmd.event_id} attempt {cmd.attempt} is due in {result.wait}")
    logger.info(
        "delivery attempt",
        extra={
            "endpoint_id": cmd.endpoint_id,
            "event_id": cmd.event_id,
            "attempt": cmd.attempt,
            "outcome": result.outcome,
            "status": result.status,
        },
    )
    for name in webhook_metrics(result.outcome):
        metrics.add_metric(name, MetricUnit.Count, 1)
    return result.outcome


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # A batch whose records all wait for their retry time is normal, not a function error.
    return concurrent_sqs_batch(event, deliver)
