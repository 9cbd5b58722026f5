"""EntitlementWorkerFunction: subscription events (table stream) -> entitlements and the
subscriber's customer group, and the end of the plan's allotments."""

import json
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.partial_batch import StreamRecord, stream_batch
from bc_subscriptions.entrypoints.subscription_followers import follow_subscription_event
from bc_subscriptions.observability import logger, metrics


def record_handler(record: StreamRecord) -> str:
    image = record.new_image
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
    # A batch of only failing records is reported record by record like any other, not raised.
    return stream_batch(event, record_handler)
