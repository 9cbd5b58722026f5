"""EntitlementWorkerFunction: subscription events (table stream) -> entitlements and the
subscriber's customer group, and the end of the plan's allotments."""

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.subscription_followers import follow_subscription_event
from bc_subscriptions.observability import logger, metrics

# A batch of only failing records is reported record by record like any other, not raised.
processor = BatchProcessor(
    event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False
)


def record_handler(record: DynamoDBRecord) -> str:
    image = (record.dynamodb.new_image if record.dynamodb else None) or {}
    if image.get("kind") != "event" or not image.get("subscription_id"):
        # The template's filter already drops these; a misconfigured trigger must not fail.
        return "ignored"
    envelope = json.loads(str(image["envelope"]))
    return follow_subscription_event(
        container(),
        str(image["store_hash"]),
        str(image["subscription_id"]),
        event_type=str(image["type"]),
        seq=int(image["seq"]),
        data=envelope.get("data", {}),
    )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
