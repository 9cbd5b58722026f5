"""The delivery queue on SQS semantics: delayed retries, early arrivals held, the DLQ."""

from datetime import timedelta

import boto3

from bc_subscriptions.adapters.sqs import SqsDeliveryQueue
from bc_subscriptions.bootstrap import container
from bc_subscriptions.services.messages import DeliverWebhook
from devstack import lambda_events as le

from .world import World


def _queue(world: World, max_delay_s: int = 900) -> SqsDeliveryQueue:
    physical = world.stack.physical
    return SqsDeliveryQueue(
        physical["WebhookDeliveryQueue"],
        physical["WebhookDeliveryDLQ"],
        max_delay_s=max_delay_s,
        clock=container().clock,
    )


def _receive(url: str) -> list[dict]:
    return list(
        boto3.client("sqs")
        .receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        .get("Messages", [])
    )


def _command(world: World, **kw: object) -> DeliverWebhook:
    return DeliverWebhook(
        store_hash=world.store_hash,
        endpoint_id="ep_x",
        event_id="evt_sub_x_000001",
        event_type="subscription.created",
        body="{}",
        **kw,  # type: ignore[arg-type]
    )


def test_a_retry_is_delayed_by_sqs_and_carries_its_due_time(world: World) -> None:
    # When a retry due in an hour is sent
    due = world.stack.now() + timedelta(hours=1)
    _queue(world).send_later(_command(world, attempt=2, not_before=due).to_json(), due)
    # Then SQS does not hand it out yet (15-minute delay, its maximum)
    assert _receive(world.stack.physical["WebhookDeliveryQueue"]) == []


def test_an_early_message_is_held_on_the_queue_not_attempted(world: World) -> None:
    # Given a retry that arrives before it is due (SQS delays stop at 15 minutes)
    url = world.stack.physical["WebhookDeliveryQueue"]
    due = world.stack.now() + timedelta(hours=5)
    body = _command(world, attempt=3, not_before=due).to_json()
    _queue(world, max_delay_s=0).send_later(body, due)
    [message] = _receive(url)
    # When the function receives it
    reply = world.stack.runtime.invoke(
        "MerchantWebhookFunction",
        le.sqs_event([message], world.stack.physical["WebhookDeliveryQueue.Arn"]),
    )
    # Then it is failed back to the queue, hidden until due, and nothing was posted
    assert reply == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    assert _receive(url) == []
    assert world.stack.receiver.attempts == 0


def test_an_exhausted_delivery_is_parked_in_the_dlq(world: World) -> None:
    _queue(world).dead_letter(_command(world, attempt=10).to_json())
    [parked] = _receive(world.stack.physical["WebhookDeliveryDLQ"])
    assert DeliverWebhook.from_json(parked["Body"]).attempt == 10
