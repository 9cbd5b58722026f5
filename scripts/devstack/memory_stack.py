"""The local stack without moto: the same functions and topology on in-memory storage and queues.

Every handler of `template.yaml` runs as in `LocalStack` (API routes, schedules, SQS sources,
the stream), against the BigCommerce emulator in-process. What changes is underneath them:
the in-memory unit of work and reads (`bc_subscriptions.adapters.memory`) for the table, the
side records of `memory_records` for the rest, the events the unit of work committed as the
table's stream, and in-process queues with SQS's delivery: at least once (a share of messages
twice), in no particular order, a failed message back after its visibility timeout and
dead-lettered after its queue's maxReceiveCount, all on the business clock. A month of
thousands of subscriptions then takes minutes, not hours.
"""

from __future__ import annotations

import itertools
import logging
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, TextIO

import httpx

from bc_subscriptions.adapters.clock import FixedClock
from bc_subscriptions.adapters.memory import (
    MemoryDueSubscriptions,
    MemoryInstalls,
    MemoryOpenAuthorizations,
    MemoryOpsEvents,
    MemoryPlanCache,
    MemoryRemovedUsers,
    MemoryStore,
    MemorySubscriptionReads,
    MemoryUnitOfWork,
)
from bc_subscriptions.bootstrap import Container
from bc_subscriptions.config import Secret, Settings
from bc_subscriptions.ports.storage import StoredEvent

from . import lambda_events as le
from . import template as t
from .bc_emulator import BigCommerceEmulator
from .local_aws import function_environment
from .memory_records import (
    MemoryApiBudgets,
    MemoryDeadLetters,
    MemoryDeliveryLog,
    MemoryEndpoints,
    MemoryEventLog,
    MemoryInbox,
    MemoryOutbox,
    MemoryReconCheckpoints,
    MemorySweepCursors,
    MemoryVault,
)
from .merchant_receiver import MerchantReceiver
from .runtime import LocalRuntime
from .stack import APP_BASE_URL, CLIENT_ID, CLIENT_SECRET, PINNED_START, TABLE_NAME, LocalStack

REGION, ACCOUNT = "us-east-1", "000000000000"
STREAM_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/in-memory/stream/local"
BC_URL = "https://api.bigcommerce.test"


@dataclass
class _Message:
    message_id: str
    body: str
    sent_at: datetime
    visible_at: datetime
    receives: int = 0
    receipt: str | None = None


@dataclass
class QueueStats:
    sent: int = 0
    duplicated: int = 0  # delivered twice, as a standard queue now and then does
    received: int = 0
    returned: int = 0  # failed and back after the visibility timeout
    dead_lettered: int = 0


class InProcessQueue:
    """One SQS standard queue: at-least-once and unordered. `duplicate_share` of the messages
    sent are stored twice; a receive takes visible messages in random order; a message
    received more than `max_receives` times moves to `dlq` instead (the redrive policy)."""

    def __init__(
        self,
        name: str,
        *,
        clock: FixedClock,
        rng: random.Random,
        visibility_s: int,
        max_receives: int | None = None,
        dlq: InProcessQueue | None = None,
        duplicate_share: float = 0.0,
    ) -> None:
        self.name, self.arn = name, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
        self.clock, self.rng = clock, rng
        self.visibility = timedelta(seconds=visibility_s)
        self.max_receives, self.dlq = max_receives, dlq
        self.duplicate_share = duplicate_share
        self.messages: dict[str, _Message] = {}
        self.stats = QueueStats()
        self._ids = itertools.count(1)

    # -- the producer side (the adapters' interface: SqsQueue, SqsDeliveryQueue) ---------------
    def send_batch(self, bodies: list[str], delays_s: list[int] | None = None) -> int:
        for i, body in enumerate(bodies):
            delay = timedelta(seconds=delays_s[i] if delays_s else 0)
            self._put(body, self.clock.now() + delay)
        return len(bodies)

    def send_later(self, body: str, not_before: datetime) -> None:
        self._put(body, max(not_before, self.clock.now()))

    def dead_letter(self, body: str) -> None:
        assert self.dlq is not None, f"{self.name} has no dead-letter queue"
        self.dlq._put(body, self.clock.now(), duplicates=False)

    def hold(self, receipt_handle: str, wait: timedelta) -> None:
        for m in self.messages.values():
            if m.receipt == receipt_handle:
                m.visible_at = self.clock.now() + max(wait, timedelta(seconds=1))

    def _put(self, body: str, visible_at: datetime, *, duplicates: bool = True) -> None:
        copies = 2 if duplicates and self.rng.random() < self.duplicate_share else 1
        self.stats.sent += 1
        self.stats.duplicated += copies - 1
        for _ in range(copies):
            mid = f"{self.name}-{next(self._ids)}"
            self.messages[mid] = _Message(mid, body, self.clock.now(), visible_at)

    # -- the event source mapping's side ----------------------------------------------------------
    def receive(self, limit: int) -> list[dict[str, Any]]:
        now = self.clock.now()
        visible = [m for m in self.messages.values() if m.visible_at <= now]
        taken: list[dict[str, Any]] = []
        for m in self.rng.sample(visible, len(visible)):
            if len(taken) == limit:
                break
            if self.max_receives is not None and m.receives >= self.max_receives:
                del self.messages[m.message_id]
                self.stats.dead_lettered += 1
                if self.dlq is not None:
                    self.dlq._put(m.body, now, duplicates=False)
                continue
            m.receives += 1
            m.receipt = f"{m.message_id}#{m.receives}"
            m.visible_at = now + self.visibility
            self.stats.received += 1
            self.stats.returned += m.receives > 1
            taken.append(
                {
                    "MessageId": m.message_id,
                    "ReceiptHandle": m.receipt,
                    "Body": m.body,
                    "Attributes": {
                        "ApproximateReceiveCount": str(m.receives),
                        "SentTimestamp": str(int(m.sent_at.timestamp() * 1000)),
                    },
                }
            )
        return taken

    def delete(self, receipt_handle: str) -> None:
        mid = receipt_handle.split("#", 1)[0]
        found = self.messages.get(mid)
        if found is not None and found.receipt == receipt_handle:
            del self.messages[mid]

    def release(self, receipt_handle: str) -> None:
        """Visible again at once (the runtime's `retry_failed`)."""
        mid = receipt_handle.split("#", 1)[0]
        if (found := self.messages.get(mid)) is not None:
            found.visible_at = self.clock.now()

    def depth(self) -> int:
        return len(self.messages)


class MemoryRuntime(LocalRuntime):
    """`LocalRuntime` with the stream read from the unit of work's committed events and the
    queues in process. `stream_redelivery_share`: of stream batches handed to the relay again
    after it succeeded (Lambda retries a batch whose answer it lost)."""

    def __init__(
        self,
        tpl: dict[str, Any],
        store: MemoryStore,
        queues: dict[str, InProcessQueue],
        *,
        clock: FixedClock,
        rng: random.Random,
        lambda_stdout: TextIO | None = None,
        stream_redelivery_share: float = 0.0,
    ) -> None:
        physical = {"SubscriptionsTable.StreamArn": STREAM_ARN}
        physical.update({f"{qid}.Arn": q.arn for qid, q in queues.items()})
        super().__init__(tpl, physical, lambda_stdout, clock=clock.now)
        self.store, self.queues, self.rng = store, queues, rng
        self.stream_redelivery_share = stream_redelivery_share
        self.stream_redelivered = 0
        self.batches_per_round = 20
        self._position = 0
        self._sequence = itertools.count(1)

    def _read_stream(self) -> list[dict[str, Any]]:
        events = self.store.events_after(self._position)
        self._position += len(events)
        records = [self._record(e) for e in events]
        again = [r for r in records if self.rng.random() < self.stream_redelivery_share]
        self.stream_redelivered += len(again)
        return records + again

    def _record(self, event: StoredEvent) -> dict[str, Any]:
        """The INSERT record of the event item, as the template's filter lets it through."""
        image: dict[str, Any] = {
            "kind": {"S": "event"},
            "store_hash": {"S": event.store_hash},
            "seq": {"N": str(event.seq)},
            "event_id": {"S": event.event_id},
            "type": {"S": event.type},
            "envelope": {"S": event.envelope},
        }
        if event.subscription_id:
            image["subscription_id"] = {"S": event.subscription_id}
        if event.endpoint_id:
            image["endpoint_id"] = {"S": event.endpoint_id}
        seq = next(self._sequence)
        return {
            "eventID": f"ev-{seq}",
            "eventName": "INSERT",
            "dynamodb": {"NewImage": image, "SequenceNumber": f"{seq:021d}"},
        }

    def _poll_queues(self, retry_failed: bool, only: str | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for qid, (fid, batch) in self.queue_sources.items():
            if only is not None and qid != only:
                continue
            # Lambda scales its pollers with the backlog: several batches a round, not one.
            for _ in range(self.batches_per_round):
                handled = self._poll_queue(qid, fid, batch, retry_failed)
                if not handled:
                    break
                counts[qid] = counts.get(qid, 0) + handled
        return counts

    def _poll_queue(self, qid: str, fid: str, batch: int, retry_failed: bool) -> int:
        queue = self.queues[qid]
        messages = queue.receive(min(batch, 10))
        if messages:
            failed = self._invoke_batch(
                fid, le.sqs_event(messages, queue.arn), [m["MessageId"] for m in messages]
            )
            for m in messages:
                if m["MessageId"] not in failed:
                    queue.delete(m["ReceiptHandle"])
                elif retry_failed:
                    queue.release(m["ReceiptHandle"])
        return len(messages)

    def _release_due(self) -> None:
        """Nothing to release: a queue's messages become visible on the business clock."""


@dataclass
class MemoryWorld:
    """What the container's adapters share: one store, one set of side records and queues."""

    clock: FixedClock
    rng: random.Random
    store: MemoryStore = field(default_factory=MemoryStore)
    installs: MemoryInstalls = field(default_factory=MemoryInstalls)
    removed_users: MemoryRemovedUsers = field(default_factory=MemoryRemovedUsers)
    inbox: MemoryInbox = field(default_factory=MemoryInbox)
    delivery_log: MemoryDeliveryLog = field(default_factory=MemoryDeliveryLog)
    dead_letters: MemoryDeadLetters = field(default_factory=MemoryDeadLetters)
    recon_checkpoints: MemoryReconCheckpoints = field(default_factory=MemoryReconCheckpoints)
    sweep_cursors: MemorySweepCursors = field(default_factory=MemorySweepCursors)
    ops_events: MemoryOpsEvents = field(default_factory=MemoryOpsEvents)
    vault: MemoryVault = field(default_factory=MemoryVault)
    queues: dict[str, InProcessQueue] = field(default_factory=dict)


def _queues(
    tpl: dict[str, Any], clock: FixedClock, rng: random.Random, duplicate_share: float
) -> dict[str, InProcessQueue]:
    """Every queue of the template with its visibility timeout and redrive policy."""
    resources = tpl["Resources"]
    names = [n for n, r in resources.items() if r["Type"] == "AWS::SQS::Queue"]
    queues: dict[str, InProcessQueue] = {}
    # Dead-letter queues first, so a source queue can name its own.
    for name in sorted(names, key=lambda n: "RedrivePolicy" in resources[n].get("Properties", {})):
        props = resources[name].get("Properties", {})
        redrive = props.get("RedrivePolicy") or {}
        dlq_id = t.referenced_id(redrive.get("deadLetterTargetArn")) if redrive else None
        queues[name] = InProcessQueue(
            name,
            clock=clock,
            rng=rng,
            visibility_s=int(props.get("VisibilityTimeout", 30)),
            max_receives=int(redrive["maxReceiveCount"]) if redrive else None,
            dlq=queues.get(dlq_id) if dlq_id else None,
            duplicate_share=0.0 if not redrive else duplicate_share,
        )
    return queues


class MemoryContainer(Container):
    """The production container with its storage, queues and vault in memory."""

    def __init__(self, world: MemoryWorld, settings: Settings, **transports: Any) -> None:
        super().__init__(settings, clock=world.clock, **transports)
        self.world = world

    @cached_property
    def vault(self) -> Any:
        return self.world.vault

    @cached_property
    def installs(self) -> Any:
        return self.world.installs

    @cached_property
    def removed_users(self) -> Any:
        return self.world.removed_users

    @cached_property
    def endpoints(self) -> Any:
        return MemoryEndpoints(self.world.store)

    @cached_property
    def inbox(self) -> Any:
        return self.world.inbox

    @cached_property
    def due_subscriptions(self) -> Any:
        return MemoryDueSubscriptions(self.world.store, shards=self.settings.due_index_shards)

    @cached_property
    def open_authorizations(self) -> MemoryOpenAuthorizations:
        return MemoryOpenAuthorizations(self.world.store)

    @cached_property
    def delivery_log(self) -> Any:
        return self.world.delivery_log

    @cached_property
    def dead_letters(self) -> Any:
        return self.world.dead_letters

    @cached_property
    def event_log(self) -> Any:
        return MemoryEventLog(self.world.store)

    @cached_property
    def subscription_reads(self) -> Any:
        return MemorySubscriptionReads(self.world.store, self.settings.due_index_shards)

    @cached_property
    def outbox(self) -> Any:
        return MemoryOutbox(self.world.store, self.settings.due_index_shards)

    def unit_of_work(self) -> Any:
        return MemoryUnitOfWork(self.world.store, seal=self.vault.encrypt)

    @cached_property
    def recon_checkpoints(self) -> Any:
        return self.world.recon_checkpoints

    @cached_property
    def sweep_cursors(self) -> Any:
        return self.world.sweep_cursors

    @cached_property
    def ops_events(self) -> Any:
        return self.world.ops_events

    @cached_property
    def plan_cache(self) -> Any:
        return MemoryPlanCache(self.world.store)

    @cached_property
    def plan_catalog(self) -> Any:
        from bc_subscriptions.services.plans import PlanCatalog

        return PlanCatalog(
            cache=self.plan_cache,
            bc=self.bigcommerce,
            ops=self.ops_events,
            client_id=self.settings.bc_client_id,
        )

    @cached_property
    def renewal_queue(self) -> Any:
        return self.world.queues["RenewalQueue"]

    @cached_property
    def api_budgets(self) -> Any:
        return MemoryApiBudgets(self.world.store)

    @cached_property
    def bc_webhook_queue(self) -> Any:
        return self.world.queues["BcWebhookQueue"]

    @cached_property
    def webhook_queue(self) -> Any:
        return self.world.queues["WebhookDeliveryQueue"]


class MemoryStack(LocalStack):
    """`LocalStack`'s interface (install, products, plans, endpoint, fire, pump, the clock)
    over a `MemoryWorld`; nothing reaches AWS, real or mocked."""

    def __init__(
        self,
        *,
        seed: int = 1,
        queue_duplicate_share: float = 0.0,
        stream_redelivery_share: float = 0.0,
        log_level: str = "WARNING",
        lambda_stdout: TextIO | None = None,
        start_at: datetime = PINNED_START,
    ) -> None:
        self.server = False
        self.log_level, self.lambda_stdout = log_level, lambda_stdout
        self.clock = FixedClock(start_at)
        self.rng = random.Random(seed ^ 0x5EED)
        self.emulator = BigCommerceEmulator(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, clock=self.clock.now
        )
        self.receiver = MerchantReceiver()
        self.queue_duplicate_share = queue_duplicate_share
        self.stream_redelivery_share = stream_redelivery_share
        # Called with each request to BigCommerce before it is sent: what else happens while
        # a function waits for BigCommerce's answer (a shopper's change mid-renewal).
        self.before_bigcommerce: Callable[[httpx.Request], None] | None = None
        self._stops: list[Any] = []
        self.urls = {"bigcommerce": BC_URL, "merchant": "https://merchant.example.test/hooks"}
        self.function_env: dict[str, str] = {}

    def start(self) -> MemoryStack:
        from bc_subscriptions import bootstrap

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.tpl = t.load_template()
        # The Globals environment, as the functions get it (Powertools reads its own part);
        # the functions' settings come from the container, whatever the resource names say.
        env = function_environment(self.tpl, {"SubscriptionsTable": TABLE_NAME}, {})
        env.update(
            LOG_LEVEL=self.log_level,
            POWERTOOLS_LOG_LEVEL=self.log_level,
            POWERTOOLS_TRACE_DISABLED="true",
            POWERTOOLS_METRICS_DISABLED="true",
            POWERTOOLS_DEV="false",
        )
        for name, value in env.items():
            self._stops.append(_restore_env(name))
            os.environ[name] = value
        # The functions' logger and metrics read their settings once, when first imported
        # (by whatever ran before this stack, perhaps).
        from bc_subscriptions.observability import logger, metrics

        level, namespace = logger.log_level, metrics.namespace
        logger.setLevel(self.log_level)
        metrics.namespace = namespace or env["POWERTOOLS_METRICS_NAMESPACE"]
        self._stops.append(lambda: logger.setLevel(level))
        queues = _queues(self.tpl, self.clock, self.rng, self.queue_duplicate_share)
        self.world = MemoryWorld(self.clock, self.rng, queues=queues)
        settings = Settings(
            table_name="in-memory",
            bc_api_url=BC_URL,
            bc_payments_url=BC_URL,
            bc_login_url=BC_URL,
            bc_client_id=CLIENT_ID,
            bc_client_secret=Secret(CLIENT_SECRET),
            app_base_url=APP_BASE_URL,
            local_mode=True,
        )
        self.container = MemoryContainer(
            self.world,
            settings,
            bc_transport=_Interleaving(self.emulator.transport(), self),
            webhook_transport=self.receiver.transport(),
        )
        bootstrap.use(self.container)
        self.runtime = MemoryRuntime(
            self.tpl,
            self.world.store,
            queues,
            clock=self.clock,
            rng=self.rng,
            lambda_stdout=self.lambda_stdout,
            stream_redelivery_share=self.stream_redelivery_share,
        )
        self.physical = {}
        self._stops.append(_refuse_aws())
        return self

    def stop(self) -> None:
        from bc_subscriptions import bootstrap

        bootstrap.use(None)
        for stop in reversed(self._stops):
            stop()

    def __enter__(self) -> MemoryStack:
        return self.start()

    def fire(self, logical_id: str) -> Any:
        if logical_id == "AuthExpirySweepFunction":
            return self._auth_expiry_sweep()
        return super().fire(logical_id)

    def _auth_expiry_sweep(self) -> Any:
        """The sweep's service with the in-memory index: its handler builds the DynamoDB index
        itself rather than asking the container."""
        from bc_subscriptions.services.auth_expiry_sweep import sweep_authorizations
        from bc_subscriptions.services.payment_actions import ActionDeps

        c = self.container
        return sweep_authorizations(
            self.now(),
            index=c.open_authorizations,
            deps=lambda: ActionDeps(c.unit_of_work(), c.bigcommerce, c.clock),
            time_left_ms=lambda: 900_000,
        )

    def advance_clock(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def now(self) -> Any:
        return self.clock.now()


class _Interleaving(httpx.BaseTransport):
    """The emulator's transport, with the stack's `before_bigcommerce` run first (not again
    for the calls that itself makes)."""

    def __init__(self, inner: httpx.BaseTransport, stack: MemoryStack) -> None:
        self._inner, self._stack, self._busy = inner, stack, False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        hook = self._stack.before_bigcommerce
        if hook is not None and not self._busy:
            self._busy = True
            try:
                hook(request)
            finally:
                self._busy = False
        return self._inner.handle_request(request)


def _restore_env(name: str) -> Any:
    before = os.environ.get(name)

    def restore() -> None:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before

    return restore


def _refuse_aws() -> Any:
    """Any AWS call from here on is a bug of this stack (an adapter it did not replace): it
    fails loudly instead of reaching the network. Returns what undoes it."""
    from botocore.client import BaseClient

    original = BaseClient._make_api_call

    def refused(client: Any, operation: str, params: Any) -> Any:
        raise RuntimeError(f"the in-memory stack calls no AWS service (called {operation})")

    BaseClient._make_api_call = refused  # type: ignore[method-assign]

    def restore() -> None:
        BaseClient._make_api_call = original  # type: ignore[method-assign]

    return restore
