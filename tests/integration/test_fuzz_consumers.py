"""Any record to the queue and stream consumers: never an unhandled exception, a poison record
fails only itself (reported as a batch item failure), and it writes nothing.

One stack for the module; the examples are bounded so the module stays fast.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bc_subscriptions.services.messages import DeliverWebhook, RenewSubscription
from devstack import lambda_events as le
from devstack.stack import LocalStack

from .world import World

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@dataclass
class Scenery:
    stack: LocalStack
    world: World
    renewal: str  # a valid RenewalQueue body (a cycle that is not due: nothing to do)
    delivery: str  # a valid WebhookDeliveryQueue body
    items: list[dict[str, Any]]  # the table as the last example left it

    def written(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The table before and after the last batch (one scan per example)."""
        before, self.items = self.items, _table(self.stack)
        return before, self.items


@pytest.fixture(scope="module")
def scenery() -> Iterator[Scenery]:
    with LocalStack() as stack:
        world = World.create(stack)
        world.subscribe()
        [sub] = world.of_kind("subscription")
        [event] = [e for e in world.of_kind("event") if e["type"] == "subscription.created"]
        [endpoint] = world.of_kind("endpoint")
        renewal = RenewSubscription(
            store_hash=world.store_hash, subscription_id=str(sub["subscription_id"]), cycle=2
        ).to_json()
        delivery = DeliverWebhook(
            store_hash=world.store_hash,
            endpoint_id=str(endpoint["endpoint_id"]),
            event_id=str(event["event_id"]),
            event_type="subscription.created",
            body=str(event["envelope"]),
        ).to_json()
        yield Scenery(stack, world, renewal, delivery, _table(stack))


@functools.cache
def _resource(name: str) -> Any:
    # Building a boto3 resource costs far more than scanning the few items of the table.
    return boto3.resource("dynamodb").Table(name)


def _table(stack: LocalStack) -> list[dict[str, Any]]:
    table = _resource(stack.physical["SubscriptionsTable"])
    items: list[dict[str, Any]] = table.scan(ConsistentRead=True)["Items"]
    return sorted(items, key=lambda i: (str(i["pk"]), str(i["sk"])))


def _sqs(bodies: list[str]) -> dict[str, Any]:
    messages = [
        {"MessageId": str(uuid.uuid4()), "ReceiptHandle": str(uuid.uuid4()), "Body": b}
        for b in bodies
    ]
    return le.sqs_event(messages, "arn:aws:sqs:us-east-1:123456789012:queue")


def _failed(reply: dict[str, Any]) -> set[str]:
    return {f["itemIdentifier"] for f in reply["batchItemFailures"]}


def _poison_bodies() -> st.SearchStrategy[list[str]]:
    shaped = st.fixed_dictionaries(
        {},
        optional={
            k: JSON
            for k in ("store_hash", "subscription_id", "cycle", "endpoint_id", "event_id", "body")
        },
    )
    return st.lists(TEXT | JSON.map(json.dumps) | shaped.map(json.dumps), min_size=1, max_size=4)


@pytest.mark.parametrize(
    ("fid", "valid"),
    [("RenewalWorkerFunction", "renewal"), ("MerchantWebhookFunction", "delivery")],
)
def test_a_poison_message_fails_only_itself_and_writes_nothing(
    scenery: Scenery, fid: str, valid: str
) -> None:
    @FUZZ
    @given(poison=_poison_bodies())
    def attempt(poison: list[str]) -> None:
        # Given a batch of poison messages
        event = _sqs(poison)
        # When the consumer handles it
        reply = scenery.stack.runtime.invoke(fid, event)
        # Then each is reported failed (none raises), and nothing was written
        assert _failed(reply) == {r["messageId"] for r in event["Records"]}
        before, after = scenery.written()
        assert after == before

    attempt()


@pytest.mark.parametrize(
    ("fid", "valid"),
    [("RenewalWorkerFunction", "renewal"), ("MerchantWebhookFunction", "delivery")],
)
def test_a_valid_message_beside_poison_ones_is_handled(
    scenery: Scenery, fid: str, valid: str
) -> None:
    @settings(FUZZ, max_examples=10)
    @given(poison=_poison_bodies())
    def attempt(poison: list[str]) -> None:
        # Given a valid message among poison ones
        event = _sqs([*poison, getattr(scenery, valid)])
        good = event["Records"][-1]["messageId"]
        # When the consumer handles the batch
        reply = scenery.stack.runtime.invoke(fid, event)
        # Then only the poison ones failed
        assert _failed(reply) == {r["messageId"] for r in event["Records"]} - {good}
        scenery.written()  # the valid one may write (a delivery log row)

    attempt()


def _image(attributes: dict[str, Any]) -> dict[str, Any]:
    return {"kind": {"S": "event"}, **attributes}


def _stream(images: list[dict[str, Any]]) -> dict[str, Any]:
    records = [
        {
            "eventID": uuid.uuid4().hex,
            "eventName": "INSERT",
            "dynamodb": {
                "Keys": {"pk": {"S": "SUB#x"}, "sk": {"S": f"EVENT#{i}"}},
                "NewImage": image,
                "SequenceNumber": str(1000 + i),
                "StreamViewType": "NEW_IMAGE",
            },
        }
        for i, image in enumerate(images)
    ]
    return le.stream_event(records, "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x")


_ATTRIBUTE = st.one_of(
    TEXT.map(lambda s: {"S": s}),
    st.integers().map(lambda n: {"N": str(n)}),
    TEXT.map(lambda s: {"N": s}),
    st.booleans().map(lambda b: {"BOOL": b}),
    st.just({"NULL": True}),
    st.dictionaries(st.sampled_from(["S", "N", "M", "L", "X"]), TEXT, max_size=2),
)


@FUZZ
@given(
    images=st.lists(
        st.dictionaries(
            st.sampled_from(["store_hash", "seq", "event_id", "type", "envelope", "endpoint_id"])
            | TEXT,
            _ATTRIBUTE,
            max_size=6,
        ).map(_image),
        min_size=1,
        max_size=4,
    )
)
def test_any_stream_record_fails_at_most_itself_in_the_outbox_relay(
    scenery: Scenery, images: list[dict[str, Any]]
) -> None:
    # Given stream records of any shape
    event = _stream(images)
    # When the relay handles them
    reply = scenery.stack.runtime.invoke("OutboxRelayFunction", event)
    # Then it answers with the records that failed (never raises), and wrote nothing
    assert _failed(reply) <= {r["dynamodb"]["SequenceNumber"] for r in event["Records"]}
    before, after = scenery.written()
    assert after == before


@FUZZ
@given(
    images=st.lists(
        st.dictionaries(
            st.sampled_from(
                ["store_hash", "subscription_id", "seq", "event_id", "type", "envelope"]
            )
            | TEXT,
            _ATTRIBUTE,
            max_size=6,
        ).map(_image),
        min_size=1,
        max_size=4,
    )
)
def test_any_stream_record_fails_at_most_itself_in_the_entitlement_worker(
    scenery: Scenery, images: list[dict[str, Any]]
) -> None:
    # Given stream records of any shape
    event = _stream(images)
    # When the entitlement worker handles them
    reply = scenery.stack.runtime.invoke("EntitlementWorkerFunction", event)
    # Then it answers with the records that failed (never raises), and wrote nothing
    assert _failed(reply) <= {r["dynamodb"]["SequenceNumber"] for r in event["Records"]}
    before, after = scenery.written()
    assert after == before


def test_a_batch_of_only_poison_stream_records_is_reported_record_by_record(
    scenery: Scenery,
) -> None:
    # Given two event records without their sequence number
    event = _stream([_image({"store_hash": {"S": "x"}}), _image({"event_id": {"S": "y"}})])
    # When / Then each is reported failed, instead of the invocation failing
    reply = scenery.stack.runtime.invoke("OutboxRelayFunction", event)
    assert _failed(reply) == {"1000", "1001"}
