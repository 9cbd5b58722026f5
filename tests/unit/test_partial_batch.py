"""Partial batch responses: which records a trigger retries, and when a batch is an error."""

import threading
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.entrypoints.partial_batch import (
    EntireBatchFailed,
    SqsMessage,
    StreamRecord,
    concurrent_sqs_batch,
    sqs_batch,
    stream_batch,
)


def _sqs(*bodies: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"m{i}",
                "receiptHandle": f"r{i}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": str(i + 1)},
                "eventSource": "aws:sqs",
            }
            for i, body in enumerate(bodies)
        ]
    }


def _stream(*kinds: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "eventName": "INSERT",
                "dynamodb": {
                    "SequenceNumber": f"{100 + i}",
                    "NewImage": {"kind": {"S": kind}, "seq": {"N": str(i)}},
                },
            }
            for i, kind in enumerate(kinds)
        ]
    }


def _fail_on(bad: str) -> Any:
    def handle(record: SqsMessage) -> str:
        if record.body == bad:
            raise RuntimeError("no")
        return record.body

    return handle


def test_only_the_failing_messages_are_reported_in_order() -> None:
    reply = sqs_batch(_sqs("ok", "bad", "ok", "bad"), _fail_on("bad"))
    assert reply == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]}


def test_a_clean_batch_and_an_empty_one_report_nothing() -> None:
    assert sqs_batch(_sqs("ok", "ok"), _fail_on("bad")) == {"batchItemFailures": []}
    assert sqs_batch({"Records": []}, _fail_on("bad")) == {"batchItemFailures": []}


def test_an_all_failed_batch_is_reported_or_raised_as_asked() -> None:
    event = _sqs("bad", "bad")
    assert sqs_batch(event, _fail_on("bad")) == {
        "batchItemFailures": [{"itemIdentifier": "m0"}, {"itemIdentifier": "m1"}]
    }
    with pytest.raises(EntireBatchFailed):
        sqs_batch(event, _fail_on("bad"), raise_when_all_fail=True)
    # One success is enough for the batch to be reported, not raised.
    assert sqs_batch(_sqs("bad", "ok"), _fail_on("bad"), raise_when_all_fail=True) == {
        "batchItemFailures": [{"itemIdentifier": "m0"}]
    }


def test_a_message_exposes_what_the_handlers_read() -> None:
    [raw] = _sqs("hello")["Records"]
    message = SqsMessage(raw)
    assert (message.message_id, message.body, message.receipt_handle) == ("m0", "hello", "r0")
    assert message.receive_count == 1


@pytest.mark.parametrize("event", [{}, {"Records": None}, {"Records": {"a": 1}}])
def test_an_event_that_is_not_a_batch_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="Records"):
        sqs_batch(event, _fail_on("bad"))


def test_stream_failures_are_reported_by_sequence_number() -> None:
    seen: list[dict[str, Any]] = []

    def handle(record: StreamRecord) -> None:
        seen.append(record.new_image)
        if record.new_image["kind"] == "bad":
            raise RuntimeError("no")

    reply = stream_batch(_stream("event", "bad", "event"), handle)
    assert reply == {"batchItemFailures": [{"itemIdentifier": "101"}]}
    assert seen[0] == {"kind": "event", "seq": Decimal(0)}
    assert [image["kind"] for image in seen] == ["event", "bad", "event"]


def test_a_removal_has_an_empty_new_image() -> None:
    record = StreamRecord({"eventName": "REMOVE", "dynamodb": {"SequenceNumber": "7"}})
    assert record.new_image == {}
    assert record.sequence_number == "7"


def test_the_concurrent_batch_runs_every_message_at_once() -> None:
    # Each handler waits for all the others: this only finishes if they overlap.
    size = 5
    barrier = threading.Barrier(size, timeout=5)

    def handle(record: SqsMessage) -> None:
        barrier.wait()
        if record.body == "bad":
            raise RuntimeError("no")

    reply = concurrent_sqs_batch(_sqs("ok", "bad", "ok", "ok", "bad"), handle)
    assert reply == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m4"}]}
    assert concurrent_sqs_batch({"Records": []}, handle) == {"batchItemFailures": []}
