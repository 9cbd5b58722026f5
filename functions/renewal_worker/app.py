"""RenewalWorkerFunction: one renewal workflow per RenewalQueue message, partial batch failures."""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from bc_subscriptions.bootstrap import container
from bc_subscriptions.entrypoints.partial_batch import SqsMessage, sqs_batch
from bc_subscriptions.entrypoints.pipeline_metrics import renewal_metrics
from bc_subscriptions.observability import logger, metrics
from bc_subscriptions.services.dead_letters import record_renewal_failure
from bc_subscriptions.services.messages import MalformedMessage, RenewSubscription
from bc_subscriptions.services.renewal_workflow import (
    RenewalDeps,
    SubscriptionNotFound,
    run_renewal,
)


def record_handler(record: SqsMessage, lambda_context: LambdaContext) -> str:
    # A bad message fails only its own record: retried, then dead-lettered by the redrive policy.
    try:
        cmd = RenewSubscription.from_json(record.body)
    except MalformedMessage:
        logger.error("renewal message rejected", error="malformed_message", id=record.message_id)
        raise
    c = container()
    logger.append_keys(
        store_hash=cmd.store_hash, subscription_id=cmd.subscription_id, cycle=cmd.cycle
    )
    deps = RenewalDeps(
        uow=c.unit_of_work(),
        bc=c.bigcommerce,
        clock=c.clock,
        app_id=c.settings.bc_app_id,
        worker_id=f"{lambda_context.aws_request_id}/{record.message_id}",
        ops=c.ops_events,
    )
    try:
        outcome = run_renewal(cmd, deps)
    except SubscriptionNotFound as exc:
        logger.error("renewal message rejected", error="unknown_subscription")
        _record_if_last_receive(record, cmd, exc, unknown_subscription=True)
        raise
    except Exception as exc:
        _record_if_last_receive(record, cmd, exc, unknown_subscription=False)
        raise
    _record_quota_if_changed(cmd)
    for name in renewal_metrics(outcome.outcome, outcome.steps):
        metrics.add_metric(name, MetricUnit.Count, 1)
    logger.info("renewal", outcome=outcome.outcome, order_id=outcome.order_id)
    return outcome.outcome


def _record_quota_if_changed(cmd: RenewSubscription) -> None:
    """The sweep paced the store by the quota it knew; if BigCommerce's answers give another
    (the store's plan, or a plan change), keep it for the next run. Rare: once per change."""
    if cmd.paced_quota is None:
        return
    c = container()
    seen = c.bigcommerce.rest_quota(cmd.store_hash)
    if seen is None or seen == cmd.paced_quota:
        return
    try:
        c.api_budgets.record_quota(cmd.store_hash, seen)
    except Exception:
        # The renewal is done; the next message to see the quota records it.
        logger.exception("store quota not recorded")


def _record_if_last_receive(
    record: SqsMessage, cmd: RenewSubscription, exc: Exception, *, unknown_subscription: bool
) -> None:
    """On its last allowed receive the failing message is about to be dead-lettered by the
    redrive policy: record it under its store first, for the merchant's ops view."""
    c = container()
    try:
        letter = record_renewal_failure(
            cmd,
            exc,
            receive_count=record.receive_count,
            max_receives=c.settings.renewal_max_receive_count,
            unknown_subscription=unknown_subscription,
            letters=c.dead_letters,
            installs=c.installs,
            now=c.clock.now(),
        )
    except Exception:
        # The message fails either way; the DLQ still holds it.
        logger.exception("dead letter not recorded")
        return
    if letter is not None:
        logger.warning("renewal dead-lettered", dead_letter_id=letter.dead_letter_id)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # A batch of only failing records is reported record by record like any other, not
    # raised: the redrive policy retries and dead-letters each one; a function error is a crash.
    return sqs_batch(event, lambda record: record_handler(record, context))
