"""SQS queue adapter: batches of ten, partial failures raised, never silently dropped."""

from __future__ import annotations

from typing import Any

import boto3

_BATCH = 10


class QueueSendFailed(Exception):
    """SQS refused some messages of a batch."""


class SqsQueue:
    def __init__(self, url: str, client: Any | None = None) -> None:
        self.url = url
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = boto3.client("sqs")
        return self._client

    def send_batch(self, bodies: list[str]) -> int:
        sent = 0
        for start in range(0, len(bodies), _BATCH):
            chunk = bodies[start : start + _BATCH]
            entries = [{"Id": str(i), "MessageBody": body} for i, body in enumerate(chunk)]
            reply = self.client.send_message_batch(QueueUrl=self.url, Entries=entries)
            if failed := reply.get("Failed"):
                raise QueueSendFailed(
                    f"{len(failed)} of {len(chunk)} messages refused: {failed[0]}"
                )
            sent += len(chunk)
        return sent
