"""MerchantWebhookFunction: sign and POST one event to one merchant endpoint per message."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.bootstrap import container
from bc_subscriptions.observability import logger, metrics, tracer
from bc_subscriptions.services.messages import DeliverWebhook
from bc_subscriptions.services.webhook_delivery import deliver_webhook

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> str:
    # A body that does not validate fails its record: retried, then dead-lettered by SQS.
    cmd = DeliverWebhook.model_validate_json(record.body)
    c = container()
    logger.append_keys(endpoint_id=cmd.endpoint_id, event_id=cmd.event_id)
    result = deliver_webhook(
        cmd,
        attempt=int(record.attributes.approximate_receive_count),
        endpoints=c.endpoints,
        vault=c.vault,
        sender=c.webhook_sender,
        log=c.delivery_log,
        clock=c.wall_clock,
    )
    metrics.add_metric(f"Webhook_{result.outcome}", MetricUnit.Count, 1)
    return result.outcome


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
