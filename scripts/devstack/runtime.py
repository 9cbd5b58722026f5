"""Run the template's topology in one process: routes, schedules, stream and queues -> handlers."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any, TextIO

import boto3

from . import lambda_events as le
from . import template as t
from .stream_filter import matches

logger = logging.getLogger("devstack.runtime")


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class PumpStats:
    webhooks_in: int = 0
    stream_records: int = 0
    messages: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.webhooks_in + self.stream_records + sum(self.messages.values())


class LocalRuntime:
    """The same wiring AWS builds from template.yaml, driven step by step by `pump()`."""

    def __init__(
        self,
        tpl: dict[str, Any],
        physical: dict[str, str],
        lambda_stdout: TextIO | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.tpl, self.physical = tpl, physical
        # The business clock: a message whose `not_before` attribute is later stays hidden
        # (SQS delays run on real time, which a demo of three days cannot wait for).
        self.clock = clock or (lambda: datetime.now(UTC))
        self._held: list[tuple[str, str, datetime]] = []  # (queue url, receipt, not_before)
        # Where a function's prints (EMF metrics) go; in AWS that is CloudWatch, not a terminal.
        self.lambda_stdout = lambda_stdout
        self.functions = t.functions(tpl)
        self.routes: list[tuple[str, str, str]] = []  # (method, path, logical id)
        self.queue_sources: dict[str, tuple[str, int]] = {}  # queue id -> (function, batch)
        self.stream_sources: list[tuple[str, list[dict[str, Any]], int]] = []
        self.schedules: dict[str, str] = {}  # function id -> Input template
        self._modules: dict[str, ModuleType] = {}
        self._iterators: dict[str, str] = {}
        self.invocations: list[str] = []
        self._locks: dict[str, threading.RLock] = {}
        self._locks_guard = threading.Lock()
        self._clients: dict[str, Any] = {}
        self._read_events()

    def _client(self, service: str) -> Any:
        """One client per service for the runtime's life: building one costs more than a poll."""
        if service not in self._clients:
            self._clients[service] = boto3.client(service)
        return self._clients[service]

    def _read_events(self) -> None:
        for fid, fn in self.functions.items():
            for ev in fn.events:
                p = ev.properties
                if ev.type == "HttpApi":
                    self.routes.append((p["Method"].upper(), p["Path"], fid))
                elif ev.type == "SQS":
                    qid = t.referenced_id(p["Queue"]) or ""
                    self.queue_sources[qid] = (fid, int(p.get("BatchSize", 10)))
                elif ev.type == "DynamoDB":
                    patterns = t.stream_filter_patterns(self.tpl, fid)
                    self.stream_sources.append((fid, patterns, int(p.get("BatchSize", 100))))
                elif ev.type == "ScheduleV2":
                    self.schedules[fid] = p["Input"]

    # -- invoking -------------------------------------------------------------------------
    def handler_module(self, logical_id: str) -> ModuleType:
        """Import functions/<name>/app.py under a unique name (every handler file is app.py)."""
        if logical_id not in self._modules:
            path = self.functions[logical_id].handler_file()
            spec = importlib.util.spec_from_file_location(f"lambda_{logical_id}", path)
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._modules[logical_id] = module
        return self._modules[logical_id]

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        fn = self.functions[logical_id]
        handler = getattr(self.handler_module(logical_id), fn.handler_function)
        self.invocations.append(logical_id)
        context = le.LambdaContext(function_name=logical_id, timeout_s=fn.timeout)
        # One invocation at a time per function, as in one Lambda execution environment: the
        # handler's module state (the API resolver's current event and route arguments) is
        # not for two requests at once, which a threaded local HTTP server would otherwise send.
        with self._invoking(logical_id):
            if self.lambda_stdout is None:
                return handler(event, context)
            with contextlib.redirect_stdout(self.lambda_stdout):
                return handler(event, context)

    def _invoking(self, logical_id: str) -> threading.RLock:
        with self._locks_guard:
            return self._locks.setdefault(logical_id, threading.RLock())

    def http(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> HttpResponse:
        """Route like API Gateway: exact path, or a `{proxy+}` prefix; 404 JSON otherwise."""
        route = self._route(method.upper(), path)
        if route is None:
            return HttpResponse(404, {}, json.dumps({"message": "Not Found"}))
        route_key, fid = route
        event = le.http_api_event(method.upper(), path, route_key, body, headers or {}, query)
        reply = self.invoke(fid, event)
        return HttpResponse(
            int(reply["statusCode"]), reply.get("headers") or {}, reply.get("body") or ""
        )

    def _route(self, method: str, path: str) -> tuple[str, str] | None:
        for r_method, r_path, fid in self.routes:
            if r_method not in (method, "ANY"):
                continue
            prefix = r_path.split("{proxy+}")[0]
            if r_path == path or ("{proxy+}" in r_path and path.startswith(prefix)):
                return f"{r_method} {r_path}", fid
        return None

    def fire(self, logical_id: str, scheduled_time: datetime) -> Any:
        """Fire a ScheduleV2 schedule now, as EventBridge Scheduler would."""
        return self.invoke(
            logical_id, le.schedule_event(self.schedules[logical_id], scheduled_time)
        )

    # -- event sources ----------------------------------------------------------------------
    def pump(
        self, *, deliver_webhooks: Any = None, retry_failed: bool = False, max_rounds: int = 100
    ) -> PumpStats:
        """Move everything pending through the topology until nothing is left to do.

        Failed SQS messages come back after their visibility timeout, as in AWS; with
        `retry_failed` they come back at once (until the redrive policy dead-letters them).
        """
        stats = PumpStats()
        self._release_due()
        for _ in range(max_rounds):
            before = stats.total
            if deliver_webhooks is not None:
                stats.webhooks_in += deliver_webhooks()
            stats.stream_records += self._poll_streams()
            for qid, count in self._poll_queues(retry_failed).items():
                stats.messages[qid] = stats.messages.get(qid, 0) + count
            if stats.total == before:
                return stats
        raise RuntimeError("the pipeline did not settle; something is looping")

    def drain_queue(self, queue_id: str) -> int:
        """Hand one queue's waiting messages to its function, and nothing else: the stream
        and the other queues wait (a test stands in for an outage of the rest)."""
        handled = 0
        while count := self._poll_queues(False, only=queue_id).get(queue_id, 0):
            handled += count
        return handled

    def discard_stream_records(self) -> int:
        """Read and drop every pending stream record, as a relay outage past retention would."""
        return len(self._read_stream())

    def _read_stream(self) -> list[dict[str, Any]]:
        streams = self._client("dynamodbstreams")
        arn = self.physical["SubscriptionsTable.StreamArn"]
        records: list[dict[str, Any]] = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            sid = shard["ShardId"]
            if sid not in self._iterators:
                self._iterators[sid] = streams.get_shard_iterator(
                    StreamArn=arn, ShardId=sid, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            reply = streams.get_records(ShardIterator=self._iterators[sid], Limit=1000)
            self._iterators[sid] = reply.get("NextShardIterator") or self._iterators[sid]
            records.extend(reply["Records"])
        return records

    def _poll_streams(self) -> int:
        arn = self.physical["SubscriptionsTable.StreamArn"]
        records = self._read_stream()
        handled = 0
        for fid, patterns, batch in self.stream_sources:
            wanted = [r for r in records if any(matches(p, r) for p in patterns)]
            for start in range(0, len(wanted), batch):
                chunk = wanted[start : start + batch]
                self._invoke_until_done(fid, chunk, arn)
                handled += len(chunk)
        return handled

    def _invoke_until_done(self, fid: str, records: list[dict[str, Any]], arn: str) -> None:
        # Streams retry a failed batch in order (the template bisects and caps retries).
        for _ in range(3):
            failed = self._invoke_batch(
                fid,
                le.stream_event(records, arn),
                [r["dynamodb"]["SequenceNumber"] for r in records],
            )
            if not failed:
                return
            records = [r for r in records if r["dynamodb"]["SequenceNumber"] in failed]
        raise RuntimeError(f"{fid} keeps failing stream records: {sorted(failed)}")

    def _invoke_batch(self, fid: str, event: dict[str, Any], ids: list[str]) -> set[str]:
        """Ids of failed records; a raising handler (Powertools raises when every record
        failed) fails the whole batch, as the event source mapping treats it."""
        try:
            reply = self.invoke(fid, event) or {}
        except Exception:
            logger.warning("%s failed its whole batch", fid, exc_info=True)
            return set(ids)
        return {f["itemIdentifier"] for f in reply.get("batchItemFailures", [])}

    def _poll_queues(self, retry_failed: bool, only: str | None = None) -> dict[str, int]:
        sqs = self._client("sqs")
        counts: dict[str, int] = {}
        for qid, (fid, batch) in self.queue_sources.items():
            if only is not None and qid != only:
                continue
            url, arn = self.physical[qid], self.physical[f"{qid}.Arn"]
            received = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(batch, 10),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not received:
                continue
            # Held messages count as progress too: there may be due ones behind them.
            counts[qid] = len(received)
            messages = self._hold_early(url, received)
            if not messages:
                continue
            failed = self._invoke_batch(
                fid, le.sqs_event(messages, arn), [m["MessageId"] for m in messages]
            )
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                        for i, m in enumerate(done)
                    ],
                )
            for m in messages if retry_failed else []:
                if m["MessageId"] in failed:
                    sqs.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
                    )
        return counts

    def _hold_early(self, url: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The messages that are due; the others are hidden until `_release_due` frees them."""
        now, due, sqs = self.clock(), [], self._client("sqs")
        for m in messages:
            raw = m.get("MessageAttributes", {}).get("not_before", {}).get("StringValue")
            not_before = datetime.fromisoformat(raw) if raw else None
            if not_before is None or not_before <= now:
                due.append(m)
                continue
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=3600
            )
            self._held.append((url, m["ReceiptHandle"], not_before))
        return due

    def _release_due(self) -> None:
        now, sqs = self.clock(), self._client("sqs")
        for held in [h for h in self._held if h[2] <= now]:
            sqs.change_message_visibility(
                QueueUrl=held[0], ReceiptHandle=held[1], VisibilityTimeout=0
            )
            self._held.remove(held)
