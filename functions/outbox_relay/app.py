"""OutboxRelayFunction: each inserted event item -> one delivery message per subscribed endpoint."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

# Read on every invocation: loaded with the handler, not on its first call.
import bc_subscriptions.adapters.dynamodb.endpoints
import bc_subscriptions.adapters.dynamodb.outbox  # noqa: F401
from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.partial_batch import StreamRecord, stream_batch
from bc_subscriptions.observability import logger, metrics
from bc_subscriptions.ports.storage import StoredEvent
from bc_subscriptions.services.outbox_relay import EndpointReader, EndpointsOfBatch, relay_event


def record_handler(record: StreamRecord, endpoints: EndpointReader | None = None) -> int:
    c = container()
    image = record.new_image
    if image.get("kind") != "event":
        # The template's filter already drops these; a misconfigured trigger must not fail.
        return 0
    event = StoredEvent(
        store_hash=str(image["store_hash"]),
        subscription_id=image.get("subscription_id"),
        endpoint_id=image.get("endpoint_id"),
        grant_id=image.get("grant_id"),
        seq=int(image["seq"]),
        event_id=str(image["event_id"]),
        type=str(image["type"]),
        envelope=str(image["envelope"]),
    )
    return relay_event(
        event, endpoints=endpoints or c.endpoints, queue=c.webhook_queue, outbox=c.outbox
    )


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # One read of each store's endpoints serves every event of the batch.
    endpoints = EndpointsOfBatch(container().endpoints)

    # A batch of only failing records is reported record by record like any other, not raised.
    return stream_batch(event, lambda record: record_handler(record, endpoints))
