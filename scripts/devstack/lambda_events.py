"""Build the events AWS would hand our functions: HTTP API v2, SQS, DynamoDB streams, ScheduleV2."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

REGION = "us-east-1"


def http_api_event(
    method: str,
    path: str,
    route_key: str,
    body: bytes,
    headers: dict[str, str],
    query: dict[str, str] | None = None,
    base64_body: bool = False,
) -> dict[str, Any]:
    """Payload format 2.0: header names lowercased, body text unless it must be base64."""
    now = time.time()
    query = query or {}
    return {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in query.items()),
        "headers": {k.lower(): v for k, v in headers.items()},
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": "localhost",
            "domainPrefix": "localhost",
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": headers.get("user-agent", "local"),
            },
        },
        "body": base64.b64encode(body).decode() if base64_body else body.decode(),
        "isBase64Encoded": base64_body,
    }


def sqs_event(messages: list[dict[str, Any]], queue_arn: str) -> dict[str, Any]:
    """Records as the SQS event source builds them from `receive_message` output."""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {
                    "ApproximateReceiveCount": m.get("Attributes", {}).get(
                        "ApproximateReceiveCount", "1"
                    ),
                    "SentTimestamp": m.get("Attributes", {}).get(
                        "SentTimestamp", str(int(time.time() * 1000))
                    ),
                    "SenderId": "123456789012",
                    "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000)),
                },
                "messageAttributes": {
                    name: {
                        "stringValue": a.get("StringValue"),
                        "dataType": a.get("DataType", "String"),
                    }
                    for name, a in m.get("MessageAttributes", {}).items()
                },
                "md5OfBody": hashlib.md5(m["Body"].encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": REGION,
            }
            for m in messages
        ]
    }


def stream_event(records: list[dict[str, Any]], stream_arn: str) -> dict[str, Any]:
    """Records of `get_records`, with datetimes as epoch seconds like the Lambda event."""
    out = []
    for r in records:
        ddb = dict(r["dynamodb"])
        created = ddb.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            ddb["ApproximateCreationDateTime"] = int(created.timestamp())
        out.append(
            {
                "eventID": r["eventID"],
                "eventName": r["eventName"],
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": ddb,
                "eventSourceARN": stream_arn,
            }
        )
    return {"Records": out}


def schedule_event(input_template: str, scheduled_time: datetime) -> dict[str, Any]:
    """The `Input` of a ScheduleV2 target with the scheduler's context attributes filled in."""
    text = input_template.replace(
        "<aws.scheduler.scheduled-time>", scheduled_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    ).replace("<aws.scheduler.execution-id>", str(uuid.uuid4()))
    return dict(json.loads(text))


@dataclass
class LambdaContext:
    """What the Lambda runtime passes as `context`, with a real countdown."""

    function_name: str
    timeout_s: int
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/local"
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s
        self.invoked_function_arn = (
            f"arn:aws:lambda:{REGION}:123456789012:function:{self.function_name}"
        )

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
