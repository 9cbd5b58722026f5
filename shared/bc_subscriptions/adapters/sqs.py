"""SQS queue adapter: batches of ten, partial failures raised, never silently dropped."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3

from .clock import SystemClock

if TYPE_CHECKING:
    from ..ports.clock import Clock

_BATCH = 10


class QueueSendFailed(Exception):
    """SQS refused some messages of a batch."""


class SqsQueue:
    """`max_delay_s` is 0 in local mode, where the local stack holds a message back until its
    `not_before` attribute on the (shiftable) business clock instead of SQS's real time."""

    def __init__(
        self,
        url: str,
        client: Any | None = None,
        *,
        max_delay_s: int = 900,
        clock: Clock | None = None,
    ) -> None:
        self.url = url
        self._client = client
        self.max_delay_s = max_delay_s
        # `not_before` is business time, so the delay is counted on the same clock.
        self.clock = clock or SystemClock()

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client("sqs")
        return self._client

    def send_batch(self, bodies: list[str], delays_s: list[int] | None = None) -> int:
        """Send in batches of ten; `delays_s[i]` holds message i back that many seconds."""
        sent = 0
        for start in range(0, len(bodies), _BATCH):
            chunk = bodies[start : start + _BATCH]
            entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(chunk)]
            if delays_s is not None:
                for entry, delay in zip(entries, delays_s[start : start + _BATCH], strict=True):
                    self._delay(entry, delay)
            reply = self.client.send_message_batch(QueueUrl=self.url, Entries=entries)
            if failed := reply.get("Failed"):
                raise QueueSendFailed(
                    f"{len(failed)} of {len(chunk)} messages refused: {failed[0]}"
                )
            sent += len(chunk)
        return sent

    def _delay(self, entry: dict[str, Any], delay_s: int) -> None:
        if delay_s <= 0:
            return
        entry["DelaySeconds"] = min(delay_s, self.max_delay_s)
        not_before = self.clock.now() + timedelta(seconds=delay_s)
        entry["MessageAttributes"] = {
            "not_before": {"DataType": "String", "StringValue": not_before.isoformat()}
        }


# SQS caps a message delay at 15 minutes and a visibility timeout at 12 hours.
MAX_DELAY_S = 900
MAX_VISIBILITY_S = 12 * 3600 - 300  # the 12 h count from receipt; keep a margin


class SqsDeliveryQueue(SqsQueue):
    """The webhook delivery queue: retries sent with a delay, exhausted ones to the DLQ.

    `max_delay_s` is 0 in local mode, where the local stack holds a message back until its
    `not_before` attribute on the (shiftable) business clock instead of SQS's real time.
    """

    def __init__(
        self,
        url: str,
        dlq_url: str,
        client: Any | None = None,
        max_delay_s: int = MAX_DELAY_S,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(url, client, max_delay_s=max_delay_s, clock=clock)
        self.dlq_url = dlq_url

    def send_later(self, body: str, not_before: datetime) -> None:
        wait = (not_before - self.clock.now()).total_seconds()
        self.client.send_message(
            QueueUrl=self.url,
            MessageBody=body,
            DelaySeconds=max(0, min(int(wait), self.max_delay_s)),
            MessageAttributes={
                "not_before": {"DataType": "String", "StringValue": not_before.isoformat()}
            },
        )

    def dead_letter(self, body: str) -> None:
        self.client.send_message(QueueUrl=self.dlq_url, MessageBody=body)

    def hold(self, receipt_handle: str, wait: timedelta) -> None:
        """Keep a message received early out of sight until it is due (at most 12 h a time)."""
        seconds = max(1, min(int(wait.total_seconds()) + 1, MAX_VISIBILITY_S))
        self.client.change_message_visibility(
            QueueUrl=self.url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
        )
