"""Partial batch responses for the SQS and DynamoDB-stream triggers (ReportBatchItemFailures).

Each record is handled on its own. A record that raises is reported by its id, so only it is
retried (and, for a queue, dead-lettered by the redrive policy); the others are deleted or
checkpointed. This replaces Powertools' batch utility: importing it (asyncio, the record
classes of every event source, its parser models) cost a worker more at cold start than all of
its own code, for a loop this short.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from boto3.dynamodb.types import TypeDeserializer

from ..observability import logger

T = TypeVar("T")
BatchResponse = dict[str, list[dict[str, str]]]


class EntireBatchFailed(Exception):
    """Every record failed, where that should be a function error: the trigger retries the
    batch as a whole and the function's error metric shows it."""


class SqsMessage:
    """The fields of one SQS record the handlers read."""

    __slots__ = ("_raw",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    @property
    def message_id(self) -> str:
        return str(self._raw["messageId"])

    @property
    def body(self) -> str:
        return str(self._raw["body"])

    @property
    def receipt_handle(self) -> str:
        return str(self._raw["receiptHandle"])

    @property
    def receive_count(self) -> int:
        """How many times SQS has handed this message out, this time included."""
        return int(self._raw["attributes"]["ApproximateReceiveCount"])


class StreamRecord:
    """The fields of one DynamoDB stream record the handlers read."""

    __slots__ = ("_raw",)
    _deserializer = TypeDeserializer()

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    @property
    def sequence_number(self) -> str:
        return str(self._raw["dynamodb"]["SequenceNumber"])

    @property
    def new_image(self) -> dict[str, Any]:
        """The item after the change, as Python values; empty for a removal."""
        image = (self._raw.get("dynamodb") or {}).get("NewImage") or {}
        return {k: self._deserializer.deserialize(v) for k, v in image.items()}


def _records(event: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    records = event.get("Records")
    if not isinstance(records, list):
        raise ValueError("not a batch event: 'Records' must be a list")
    return records


def _response(failed: list[str], total: int, *, raise_when_all_fail: bool) -> BatchResponse:
    if failed and raise_when_all_fail and len(failed) == total:
        raise EntireBatchFailed(f"all {total} records failed")
    return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}


def _succeeds(record_id: str, handle: Callable[[T], object], record: T) -> bool:
    try:
        handle(record)
    except Exception as exc:
        # The handler logs what it knows; this line ties the failure to the record retried.
        logger.info("record failed", record_id=record_id, error=type(exc).__name__)
        return False
    return True


def sqs_batch(
    event: Mapping[str, Any],
    handle: Callable[[SqsMessage], object],
    *,
    raise_when_all_fail: bool = False,
) -> BatchResponse:
    """Handle the messages one after another, in the order SQS gave them."""
    messages = [SqsMessage(r) for r in _records(event)]
    failed = [m.message_id for m in messages if not _succeeds(m.message_id, handle, m)]
    return _response(failed, len(messages), raise_when_all_fail=raise_when_all_fail)


def concurrent_sqs_batch(
    event: Mapping[str, Any], handle: Callable[[SqsMessage], object]
) -> BatchResponse:
    """Handle every message at once, each on its own thread: for I/O-bound records, so one
    slow record does not hold back the rest of the batch."""
    messages = [SqsMessage(r) for r in _records(event)]
    if not messages:
        return {"batchItemFailures": []}
    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        outcomes = list(pool.map(lambda m: _succeeds(m.message_id, handle, m), messages))
    failed = [m.message_id for m, ok in zip(messages, outcomes, strict=True) if not ok]
    return _response(failed, len(messages), raise_when_all_fail=False)


def stream_batch(
    event: Mapping[str, Any], handle: Callable[[StreamRecord], object]
) -> BatchResponse:
    """Handle the stream records in order; a failure is reported by its sequence number."""
    records = [StreamRecord(r) for r in _records(event)]
    failed = [r.sequence_number for r in records if not _succeeds(r.sequence_number, handle, r)]
    return _response(failed, len(records), raise_when_all_fail=False)
