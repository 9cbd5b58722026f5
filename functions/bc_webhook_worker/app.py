"""BcWebhookWorkerFunction: the BigCommerce calls of one queued delivery per BcWebhookQueue
message, partial batch failures."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.bc_webhook_processors import processors
from bc_subscriptions.entrypoints.partial_batch import SqsMessage, sqs_batch
from bc_subscriptions.observability import logger, metrics
from bc_subscriptions.services.bc_webhook_work import process_delivery
from bc_subscriptions.services.dead_letters import record_bc_webhook_failure
from bc_subscriptions.services.messages import MalformedMessage, ProcessBcWebhook


def record_handler(record: SqsMessage) -> str:
    # A bad message fails only its own record: retried, then dead-lettered by the redrive policy.
    try:
        cmd = ProcessBcWebhook.from_json(record.body)
    except MalformedMessage:
        logger.error("bc webhook message rejected", error="malformed_message", id=record.message_id)
        raise
    c = container()
    logger.append_keys(store_hash=cmd.store_hash, webhook_hash=cmd.delivery_hash, scope=cmd.scope)
    try:
        outcome = process_delivery(cmd, inbox=c.inbox, processors=processors(c))
    except Exception as exc:
        _give_over_if_last_receive(record, cmd, exc)
        raise
    metrics.add_metric(
        "BcWebhookGivenUp" if outcome == "given_up" else "BcWebhookProcessed", MetricUnit.Count, 1
    )
    logger.info("bc webhook processed", outcome=outcome)
    return outcome


def _give_over_if_last_receive(record: SqsMessage, cmd: ProcessBcWebhook, exc: Exception) -> None:
    """On its last allowed receive the message is about to be dead-lettered: record it under
    its store for the ops view, and park the delivery so the reconciliation sweep retries it."""
    c = container()
    receive_count = record.receive_count
    if receive_count < c.settings.bc_webhook_max_receive_count:
        return
    try:
        if c.inbox.status(cmd.store_hash, cmd.delivery_hash) is None:
            return  # not a delivery of ours: nothing to record in that partition
        resource_id = str(cmd.data.get("id", ""))[:64]
        now = c.clock.now()
        c.inbox.mark(cmd.store_hash, cmd.delivery_hash, "failed")
        c.inbox.park(cmd.store_hash, cmd.delivery_hash, cmd.scope, resource_id, now)
        letter = record_bc_webhook_failure(
            cmd, exc, receive_count=receive_count, letters=c.dead_letters, now=now
        )
    except Exception:
        # The message fails either way; the DLQ still holds it.
        logger.exception("dead letter not recorded")
        return
    logger.warning("bc webhook dead-lettered", dead_letter_id=letter.dead_letter_id)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # A batch whose every record fails is a function error: it shows on the function's alarm.
    return sqs_batch(event, record_handler, raise_when_all_fail=True)
