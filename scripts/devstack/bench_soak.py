"""Soak: a simulated month of one busy store through the in-process local stack, then every money
invariant checked.

Through the month: random BigCommerce faults on a few percent of all calls (before or after
BigCommerce applies them, lost answers, 429s), the merchant's endpoint down for a whole day,
BigCommerce webhooks duplicated and delivered out of order (and redelivered when we did not
answer 2xx, as BigCommerce does), cards that start declining and are fixed, shoppers who
pause, skip and cancel through the portal while their renewal is already on the queue, and a
merchant who ships and refunds renewal orders.

`--storage memory` (the default) runs the template's functions on the in-memory storage and
queues of `memory_stack` (SQS's duplicates and disorder included); `--storage moto` on the
moto-backed stack, whose DynamoDB path it soaks too, at a size that fits in minutes.

    python -m devstack.bench_soak --subscriptions 2000 --days 35 --fault-rate 0.03 --seed 1
    python -m devstack.bench_soak --storage moto --subscriptions 60
    make bench SOAK_SUBSCRIPTIONS=5000 SOAK_MOTO_SUBSCRIPTIONS=100
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlparse

import boto3
import httpx
from rich.console import Console
from rich.table import Table

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.record import from_json
from bc_subscriptions.domain.schedule import Interval

from .bc_emulator import ShipmentRefused
from .stack import TABLE_NAME, LocalStack

if TYPE_CHECKING:
    from bc_subscriptions.adapters.memory import MemoryStore

    from .memory_stack import MemoryStack

STORE = "soak"
MONTHLY, WEEKLY = 1, 2  # product ids: most shoppers renew monthly, some weekly
ROUND = timedelta(minutes=3)  # longer than a renewal's lease
_ORDER_KEY = re.compile(r"^bcsub-(?P<sub>.+)-c(?P<cycle>\d+)$")
# On moto each AWS call costs 10-40 ms (botocore and moto's request handling): its default
# keeps the month to a few minutes; the in-memory stack takes thousands in the same time.
MOTO_SUBSCRIPTIONS = 60
console = Console()


@dataclass(frozen=True)
class SoakConfig:
    subscriptions: int = 2000
    storage: str = "memory"  # or "moto" (see MOTO_SUBSCRIPTIONS)
    # Shoppers arrive over the first three days: 35 days give every monthly subscription its
    # renewal (and the weekly ones four or five).
    days: int = 35
    fault_rate: float = 0.03
    seed: int = 1
    # The sweep's 5 minutes would be 9,000 steps; renewals run up to a step late instead.
    step: timedelta = timedelta(hours=6)
    weekly_share: float = 0.2
    duplicate_share: float = 0.1  # of BigCommerce webhooks delivered twice
    late_share: float = 0.1  # of BigCommerce webhooks held back to a later round
    outage_day: int = 10  # the merchant endpoint answers 503 for this whole day
    shopper_changes_per_day: int = 0  # 0: about 1% of the subscriptions a day
    mid_renewal_share: float = 0.05  # of renewal orders whose shopper changes it meanwhile
    ship_share: float = 0.5  # of the day's new renewal orders the merchant ships
    refund_share: float = 0.03  # of the day's new renewal orders the merchant refunds
    # In-memory queues and stream only (moto's SQS delivers each message once, in order):
    queue_duplicate_share: float = 0.05  # of SQS messages delivered twice
    stream_redelivery_share: float = 0.02  # of stream records handed to the relay again


@dataclass
class SoakReport:
    subscriptions: int = 0
    cycles: int = 0  # renewal cycles charged or delivered (one BigCommerce order each)
    bc_calls: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    bc_webhooks: int = 0
    bc_webhooks_duplicated: int = 0
    bc_webhooks_late: int = 0
    bc_webhooks_redelivered: int = 0
    shopper_changes: Counter[str] = field(default_factory=Counter)
    merchant_actions: Counter[str] = field(default_factory=Counter)
    queues: dict[str, Any] = field(default_factory=dict)  # in-memory queues' delivery counts
    stream_redelivered: int = 0
    aws_calls: int = 0
    declines: int = 0
    events: int = 0
    deliveries: int = 0
    outage_attempts: int = 0
    checks: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # the wall time on a shared machine says little alone

    def check(self, name: str, ok: bool, problem: str) -> None:
        self.checks[name] += 1
        if not ok:
            self.violations.append(f"{name}: {problem}")


class BigCommerceWebhooks:
    """BigCommerce's side of its webhooks: late, duplicated, and retried until answered 2xx."""

    def __init__(self, stack: LocalStack, rng: random.Random, cfg: SoakConfig, rep: SoakReport):
        self.stack, self.rng, self.cfg, self.rep = stack, rng, cfg, rep
        self.backlog: list[Any] = []
        self.shuffle = True

    def deliver(self) -> int:
        batch = [*self.backlog, *self.stack.emulator.drain_webhooks()]
        self.backlog = []
        if self.shuffle:
            late = [d for d in batch if self.rng.random() < self.cfg.late_share]
            self.backlog, batch = late, [d for d in batch if d not in late]
            self.rep.bc_webhooks_late += len(late)
            dupes = [d for d in batch if self.rng.random() < self.cfg.duplicate_share]
            self.rep.bc_webhooks_duplicated += len(dupes)
            batch += dupes
            self.rng.shuffle(batch)
        for delivery in batch:
            reply = self.stack.runtime.http(
                "POST", urlparse(delivery.url).path, delivery.body, delivery.headers
            )
            self.rep.bc_webhooks += 1
            if not 200 <= reply.status < 300:
                self.backlog.append(delivery)  # BigCommerce tries again later
                self.rep.bc_webhooks_redelivered += 1
        return len(batch)


class Soak:
    def __init__(self, stack: LocalStack, cfg: SoakConfig) -> None:
        """`stack`: a `LocalStack` (moto) or a `MemoryStack`."""
        self.stack, self.cfg = stack, cfg
        self.rng = random.Random(cfg.seed)
        self.rep = SoakReport()
        self.webhooks = BigCommerceWebhooks(stack, self.rng, cfg, self.rep)
        self.customers: list[Any] = []
        self.declining: set[str] = set()
        self._attempts_before_outage = 0
        self._subs: list[dict[str, Any]] = []
        self.memory = cfg.storage == "memory"
        self._orders_seen = 0
        self.refunds: list[tuple[int, int]] = []  # (order id, refund id) the merchant made

    # -- the world ----------------------------------------------------------------------------
    def set_up(self) -> None:
        stack, emu = self.stack, self.stack.emulator
        stack.install_store(STORE)
        stack.add_product(STORE, MONTHLY, "Coffee beans", "25.00")
        stack.add_product(STORE, WEEKLY, "Milk", "4.00")
        stack.put_plan(
            STORE, Plan(product_id=MONTHLY, cadences=[Cadence(label="M", interval=Interval.MONTH)])
        )
        stack.put_plan(
            STORE, Plan(product_id=WEEKLY, cadences=[Cadence(label="W", interval=Interval.WEEK)])
        )
        stack.register_endpoint(STORE)
        # One store's thousands of renewals would mostly wait out the 150 per 30 s quota in
        # real time; 429s still come, from the random faults.
        emu.rate_limit_quota = 1_000_000
        # What its workers would learn from the answers: the sweep paces it by that quota.
        from bc_subscriptions.bootstrap import container

        container().api_budgets.record_quota(STORE, emu.rate_limit_quota)
        # A failed message comes back after its visibility timeout, which moto counts in real
        # seconds: one, so it comes back in a later round of the pump (see ROUND). The
        # in-memory queues count the template's timeouts on the business clock.
        if not self.memory:
            sqs = boto3.client("sqs")
            for queue in ("RenewalQueue", "WebhookDeliveryQueue"):
                sqs.set_queue_attributes(
                    QueueUrl=stack.physical[queue], Attributes={"VisibilityTimeout": "1"}
                )
        emu.faults.randomly(self.cfg.fault_rate, seed=self.cfg.seed)
        if self.memory:
            cast("MemoryStack", stack).before_bigcommerce = self.mid_renewal
        # The client's waits between retries (429s, 5xx on reads) pass on the business clock,
        # as the rest of the month does, instead of holding the run for real seconds.
        from bc_subscriptions.bootstrap import container

        session = container().bigcommerce.session
        session._sleep = session.limits._sleep = self._wait

    def _wait(self, seconds: float) -> None:
        self.stack.advance_clock(timedelta(seconds=seconds))

    def checkout(self, n: int) -> None:
        emu = self.stack.emulator
        for _ in range(n):
            i = len(self.customers)
            customer = emu.add_customer(STORE, email=f"s{i}@example.com", first_name="S", card="ok")
            product = WEEKLY if self.rng.random() < self.cfg.weekly_share else MONTHLY
            emu.place_checkout_order(
                STORE, customer_id=customer.id, lines=[{"product_id": product, "quantity": 1}]
            )
            self.customers.append(customer)

    def pump(self) -> None:
        self.stack.runtime.pump(deliver_webhooks=self._round)

    def _round(self) -> int:
        """One round of the pump takes a few business minutes: a renewal that failed holding
        its cycle's lease comes back after the lease, as SQS's visibility timeout (six
        minutes) brings it back in AWS, not at the same instant."""
        self.stack.advance_clock(ROUND)
        return self.webhooks.deliver()

    def shopper_changes(self) -> None:
        """A few shoppers act on their subscriptions right after the sweep queued renewals."""
        self._subs = self._subs or self.subscriptions()
        subs = self._subs
        per_day = self.cfg.shopper_changes_per_day or max(1, len(subs) // 100)
        per_step = per_day * self.cfg.step / timedelta(days=1)
        count = int(per_step) + (self.rng.random() < per_step % 1)
        for sub in self.rng.sample(subs, min(count, len(subs))):
            self._change(str(sub["subscription_id"]), int(sub["customer_id"]))

    def _change(self, subscription_id: str, customer_id: int, when: str = "") -> None:
        """The shopper pauses, skips, cancels or resumes through the portal."""
        now = self.stack.now()
        action = self.rng.choice(["pause", "skip", "cancel", "resume"])
        body: dict[str, Any] | None = None
        if action == "pause":
            body = {"resume_at": (now + timedelta(days=self.rng.randint(2, 9))).isoformat()}
        elif action == "cancel":
            body = {"when": self.rng.choice(["immediately", "period_end"])}
        token = self.stack.emulator.current_customer_jwt(STORE, customer_id)
        reply = self.stack.runtime.http(
            "POST",
            f"/portal/subscriptions/{subscription_id}/{action}",
            b"" if body is None else json.dumps(body).encode(),
            {"content-type": "application/json", "authorization": f"Bearer {token}"},
        )
        outcome = "ok" if reply.status == 200 else str(reply.status)
        self.rep.shopper_changes[f"{when}{action} {outcome}"] += 1

    def mid_renewal(self, request: httpx.Request) -> None:
        """While a renewal worker waits for BigCommerce to create the cycle's order (it has
        read the subscription and will commit after), now and then its shopper changes it."""
        if request.method != "POST" or not request.url.path.endswith("/v2/orders"):
            return
        if self.rng.random() >= self.cfg.mid_renewal_share:
            return
        order = json.loads(request.content or b"{}")
        if (m := _ORDER_KEY.match(str(order.get("external_order_id") or ""))) is None:
            return
        self._change(m["sub"], int(order["customer_id"]), when="mid-renewal ")

    def cards(self) -> None:
        """Now and then a card starts declining; a declining card is fixed a few days later."""
        emu = self.stack.emulator
        for customer in self.rng.sample(self.customers, max(1, len(self.customers) // 400)):
            token = customer.instrument_token
            if token in self.declining:
                continue
            emu.set_card_behavior(STORE, token, "decline")
            self.declining.add(token)
            self.rep.declines += 1
        for token in list(self.declining):
            if self.rng.random() < 0.02:
                emu.set_card_behavior(STORE, token, "ok")
                self.declining.discard(token)

    def merchant(self) -> None:
        """Once a day the merchant ships half of the new renewal orders and refunds a few."""
        emu = self.stack.emulator
        orders = emu.orders(STORE)
        new, self._orders_seen = orders[self._orders_seen :], len(orders)
        for order in new:
            if _ORDER_KEY.match(order.get("external_order_id") or "") is None:
                continue
            if self.rng.random() < self.cfg.ship_share:
                try:
                    emu.create_shipment(STORE, int(order["id"]))
                    self.rep.merchant_actions["shipped"] += 1
                except ShipmentRefused:
                    self.rep.merchant_actions["shipment refused (nothing to ship)"] += 1
            if self.rng.random() < self.cfg.refund_share:
                self.refunds.append((int(order["id"]), emu.refund_order(STORE, int(order["id"]))))
                self.rep.merchant_actions["refunded"] += 1

    def step(self, at: int) -> None:
        stack, step = self.stack, self.cfg.step
        stack.advance_clock(step)
        elapsed = (at + 1) * step
        stack.receiver.fail_with = (
            503 if elapsed // timedelta(days=1) == self.cfg.outage_day else None
        )
        stack.fire("RenewalSweepFunction")
        self.shopper_changes()  # while the renewals just queued wait for a worker
        self.pump()
        # The fallbacks every 12 hours rather than every 10 and 15 minutes: on moto each query
        # walks the whole table, and they only matter when the stream or a webhook missed.
        if _crosses(elapsed, step, timedelta(hours=12)):
            stack.fire("OutboxCatchUpFunction")
            stack.fire("ReconciliationSweepFunction")
            stack.fire("AuthExpirySweepFunction")
        if _crosses(elapsed, step, timedelta(days=1)):
            self.cards()
            self.merchant()
            self._subs = []  # read again tomorrow: new ones, changed statuses
        self.pump()
        if stack.receiver.fail_with is not None:
            self.rep.outage_attempts = stack.receiver.attempts - self._attempts_before_outage
        else:
            self._attempts_before_outage = stack.receiver.attempts

    def run(self) -> SoakReport:
        started, cpu = time.perf_counter(), time.process_time()
        self.set_up()
        steps = int(timedelta(days=self.cfg.days) / self.cfg.step)
        # Shoppers subscribe over the first three days, so renewals spread over days too.
        arrival_steps = max(1, min(steps, int(timedelta(days=3) / self.cfg.step)))
        for at in range(steps):
            if at < arrival_steps:
                share = self.cfg.subscriptions * (at + 1) // arrival_steps - len(self.customers)
                self.checkout(share)
            self.step(at)
            if _crosses((at + 1) * self.cfg.step, self.cfg.step, timedelta(days=1)):
                console.log(
                    f"day {(at + 1) * self.cfg.step // timedelta(days=1)}: "
                    f"{len(self.customers)} checkouts, {len(self.stack.emulator.calls)} "
                    f"BigCommerce calls, {sum(self.stack.emulator.faults.drawn.values())} faults"
                )
        self.settle()
        self.rep.seconds = time.perf_counter() - started
        self.rep.cpu_seconds = time.process_time() - cpu
        self.verify()
        return self.rep

    def settle(self) -> None:
        """Faults stop and the endpoint is up: what is in flight finishes (retries, dunning)."""
        stack, emu = self.stack, self.stack.emulator
        self.rep.faults = Counter(emu.faults.drawn)
        self.rep.bc_calls = len(emu.calls)
        emu.faults.clear()
        stack.receiver.fail_with = None
        self.webhooks.shuffle = False
        # What the last step queued or failed finishes within hours (the outage is long over).
        for _ in range(6):
            stack.advance_clock(timedelta(hours=2))
            stack.fire("RenewalSweepFunction")
            stack.fire("OutboxCatchUpFunction")
            self.pump()
        stack.fire("ReconciliationSweepFunction")
        self.pump()
        if self.memory:
            memory = cast("MemoryStack", stack)
            self.rep.queues = {n: q.stats for n, q in memory.world.queues.items()}
            self.rep.stream_redelivered = memory.runtime.stream_redelivered

    # -- what must hold -----------------------------------------------------------------------
    def subscriptions(self) -> list[dict[str, Any]]:
        return [i for i in self._items() if i["kind"] == "subscription"]

    def _items(self) -> list[dict[str, Any]]:
        if self.memory:
            return memory_items(cast("MemoryStack", self.stack).world.store)
        table = boto3.resource("dynamodb").Table(self.stack.physical["SubscriptionsTable"])
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {}
        while True:
            page = table.scan(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def verify(self) -> None:
        rep, emu = self.rep, self.stack.emulator
        items = self._items()
        subs = {i["subscription_id"]: i for i in items if i["kind"] == "subscription"}
        check_subscriptions(rep, subs, len(self.customers))
        orders = emu.orders(STORE)
        payments = {o["id"]: emu.transactions(STORE, o["id"]) for o in orders}
        check_orders_and_payments(rep, subs, items, orders, payments)
        events = [i for i in items if i["kind"] == "event" and i.get("store_hash") == STORE]
        check_deliveries(rep, self.stack.receiver.received, events)
        check_refunds(rep, self.refunds, items, events)
        check_webhooks_processed(rep, self._inbox_statuses())
        check_nothing_stuck(rep, self._stuck(), self._dead_letters())

    def _inbox_statuses(self) -> list[str]:
        """The status of every BigCommerce delivery the inbox recorded."""
        if self.memory:
            return [row.status for row in cast("MemoryStack", self.stack).world.inbox.rows.values()]
        return [str(i["status"]) for i in self._items() if i["kind"] == "inbox"]

    def _stuck(self) -> list[Any]:
        from bc_subscriptions.bootstrap import container
        from bc_subscriptions.services.stuck_workflows import stuck_workflows

        c, cursor = container(), None
        stuck: list[Any] = []
        while True:
            page, cursor = stuck_workflows(
                STORE,
                uow=c.unit_of_work(),
                reader=c.subscription_reads,
                now=c.clock.now(),
                cursor=cursor,
                limit=100,
            )
            stuck += page
            if cursor is None:
                return stuck

    def _dead_letters(self) -> dict[str, int]:
        if self.memory:
            queues = cast("MemoryStack", self.stack).world.queues
            return {name: queues[name].depth() for name in DEAD_LETTER_QUEUES}
        depths = {}
        for queue in DEAD_LETTER_QUEUES:
            attrs = boto3.client("sqs").get_queue_attributes(
                QueueUrl=self.stack.physical[queue],
                AttributeNames=["ApproximateNumberOfMessages"],
            )["Attributes"]
            depths[queue] = int(attrs["ApproximateNumberOfMessages"])
        return depths


DEAD_LETTER_QUEUES = ("RenewalDLQ", "WebhookDeliveryDLQ", "BcWebhookDLQ")


def memory_items(store: MemoryStore) -> list[dict[str, Any]]:
    """The in-memory store's records as the soak reads the DynamoDB table's items."""
    from bc_subscriptions.adapters.dynamodb import keys
    from bc_subscriptions.domain.charge import Charge
    from bc_subscriptions.domain.subscription import Subscription

    items: list[dict[str, Any]] = []
    for (_, sk), row in store.scan("SUB#"):
        if sk == keys.META:
            sub = from_json(Subscription, row.value)
            items.append(
                {
                    "kind": "subscription",
                    "subscription_id": sub.id,
                    "customer_id": sub.customer_id,
                    "status": sub.status.value,
                }
            )
        elif sk.startswith("CHARGE#"):
            charge = from_json(Charge, row.value)
            items.append(
                {
                    "kind": "charge",
                    "subscription_id": charge.subscription_id,
                    "cycle": charge.cycle,
                    "stage": charge.stage.value,
                    "bc_order_id": charge.bc_order_id,
                    "doc": row.value,
                }
            )
    items += [
        {
            "kind": "event",
            "event_id": e.event_id,
            "type": e.type,
            "store_hash": e.store_hash,
            "envelope": e.envelope,
        }
        for e in store.events(STORE)
    ]
    return items


# -- the invariants, over what the month left (pure, so each can be shown to fail) -------------
def check_subscriptions(rep: SoakReport, subs: dict[str, Any], checkouts: int) -> None:
    rep.subscriptions = len(subs)
    rep.check(
        "every checkout became one subscription",
        len(subs) == checkouts,
        f"{len(subs)} subscriptions for {checkouts} checkouts",
    )


def check_orders_and_payments(
    rep: SoakReport,
    subs: dict[str, Any],
    items: list[dict[str, Any]],
    orders: list[dict[str, Any]],
    payments: dict[int, list[dict[str, Any]]],
) -> None:
    """`orders`: the store's BigCommerce orders; `payments`: each order's transactions."""
    by_cycle: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for order in orders:
        if (m := _ORDER_KEY.match(order.get("external_order_id") or "")) is not None:
            by_cycle[(m["sub"], int(m["cycle"]))].append(order)
    charges = {(i["subscription_id"], int(i["cycle"])): i for i in items if i["kind"] == "charge"}
    rep.cycles = len(by_cycle)
    for key, found in by_cycle.items():
        rep.check(
            "one BigCommerce order per (subscription, cycle)",
            len(found) == 1,
            f"{key}: orders {[o['id'] for o in found]}",
        )
        paid = [
            t
            for o in found
            for t in payments.get(o["id"], [])
            if t["status"] == "ok" and t["event"] in ("purchase", "authorization")
        ]
        rep.check(
            "at most one successful payment per (subscription, cycle)",
            len(paid) <= 1,
            f"{key}: {len(paid)} payments",
        )
        charge = charges.get(key)
        rep.check(
            "every renewal order belongs to a recorded charge",
            charge is not None and key[0] in subs,
            f"{key}: no charge",
        )
        if (
            charge is not None
            and charge["stage"] == "completed"
            and not json.loads(charge["doc"]).get("fulfilment_only")
        ):
            rep.check(
                "a completed charge was paid exactly once",
                len(paid) == 1,
                f"{key}: completed with {len(paid)} payments",
            )
    for key, charge in charges.items():
        if charge.get("bc_order_id") is not None or charge["stage"] == "completed":
            rep.check(
                "every charge with an order has exactly that order in BigCommerce",
                len(by_cycle.get(key, [])) == 1,
                f"{key}: {len(by_cycle.get(key, []))} orders",
            )


def check_deliveries(rep: SoakReport, received: list[Any], events: list[dict[str, Any]]) -> None:
    """`received`: what the merchant endpoint accepted; `events`: the store's stored events."""
    bodies: dict[str, set[str]] = defaultdict(set)
    for r in received:
        rep.check("every delivery verifies", r.verified, f"{r.webhook_id} did not verify")
        bodies[r.webhook_id].add(json.dumps(r.body, sort_keys=True))
    rep.deliveries = len(received)
    rep.events = len(events)
    for event in events:
        event_id = str(event["event_id"])
        rep.check(
            "every event delivered at least once",
            event_id in bodies,
            f"{event_id} ({event.get('type')}) never delivered",
        )
    for webhook_id, seen in bodies.items():
        rep.check(
            "one body per webhook-id (stable across retries)",
            len(seen) == 1,
            f"{webhook_id}: {len(seen)} different bodies",
        )


def check_refunds(
    rep: SoakReport,
    refunds: list[tuple[int, int]],
    items: list[dict[str, Any]],
    events: list[dict[str, Any]],
) -> None:
    """`refunds`: (order id, refund id) the merchant made of renewal orders."""
    recorded: Counter[int] = Counter()
    for item in items:
        if item["kind"] == "charge":
            recorded.update(json.loads(item["doc"]).get("refund_ids") or [])
    told: Counter[int] = Counter()
    for event in events:
        if event.get("type") == "charge.refunded":
            told[int(json.loads(event["envelope"])["data"]["refund_id"])] += 1
    for order_id, refund_id in refunds:
        rep.check(
            "every refund recorded on its charge once",
            recorded[refund_id] == 1,
            f"refund {refund_id} of order {order_id} recorded {recorded[refund_id]} times",
        )
        rep.check(
            "one charge.refunded per refund",
            told[refund_id] == 1,
            f"refund {refund_id} of order {order_id}: {told[refund_id]} events",
        )


def check_webhooks_processed(rep: SoakReport, statuses: list[str]) -> None:
    """`statuses`: the inbox row of every BigCommerce delivery we accepted."""
    for status in statuses:
        rep.check(
            "every accepted BigCommerce webhook processed",
            status in ("processed", "given_up"),
            f"an inbox row left {status}",
        )


def check_nothing_stuck(rep: SoakReport, stuck: list[Any], dead_letters: dict[str, int]) -> None:
    """`stuck`: the stuck-workflow query's answer; `dead_letters`: each DLQ's depth."""
    rep.check(
        "no renewal stuck past its due time",
        not stuck,
        f"{len(stuck)} stuck, e.g. {[(s.subscription.id, s.diagnosis) for s in stuck[:3]]}",
    )
    for queue, depth in dead_letters.items():
        rep.check(f"{queue} is empty", depth == 0, f"{depth} messages")


def _crosses(elapsed: timedelta, step: timedelta, period: timedelta) -> bool:
    """Whether this step passed a multiple of `period` (a schedule coarser than the step)."""
    return elapsed // period != (elapsed - step) // period


def run_soak(cfg: SoakConfig) -> SoakReport:
    # The functions' own log lines (and metric lines) would bury the report.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    # The table models read their settings when first imported (the in-memory adapters
    # import them too): the local stack's table, which the moto stack then creates.
    os.environ.setdefault("TABLE_NAME", TABLE_NAME)
    from .memory_stack import MemoryStack

    with open(os.devnull, "w") as quiet:
        if cfg.storage == "moto":
            with LocalStack(log_level="ERROR", lambda_stdout=quiet) as stack:
                # The functions' logger read its level when first imported, perhaps by the
                # bench before this stack set it.
                from bc_subscriptions.observability import logger

                logger.setLevel("ERROR")
                return Soak(stack, cfg).run()
        memory = MemoryStack(
            seed=cfg.seed,
            queue_duplicate_share=cfg.queue_duplicate_share,
            stream_redelivery_share=cfg.stream_redelivery_share,
            log_level="ERROR",
            lambda_stdout=quiet,
        )
        with memory as stack:
            return Soak(stack, cfg).run()


def report_table(cfg: SoakConfig, rep: SoakReport) -> Table:
    title = f"soak ({cfg.storage}): {cfg.days} simulated days, seed {cfg.seed}"
    table = Table("soak", "value", title=title)
    faults = ", ".join(f"{k} {v}" for k, v in sorted(rep.faults.items()))
    rows = [
        ("subscriptions", f"{rep.subscriptions:,}"),
        ("renewal cycles (one BigCommerce order each)", f"{rep.cycles:,}"),
        ("BigCommerce calls", f"{rep.bc_calls:,}"),
        (
            f"faults injected ({cfg.fault_rate:.0%} of calls)",
            f"{sum(rep.faults.values()):,} ({faults})",
        ),
        ("BigCommerce webhooks posted to us", f"{rep.bc_webhooks:,}"),
        (
            "  duplicated / held back / redelivered after non-2xx",
            f"{rep.bc_webhooks_duplicated:,} / {rep.bc_webhooks_late:,}"
            f" / {rep.bc_webhooks_redelivered:,}",
        ),
        *_queue_rows(rep),
        ("cards made to decline", f"{rep.declines:,}"),
        (
            "merchant shipments and refunds",
            ", ".join(f"{k} {v}" for k, v in sorted(rep.merchant_actions.items())),
        ),
        (
            "shopper changes (portal)",
            ", ".join(f"{k} {v}" for k, v in sorted(rep.shopper_changes.items())),
        ),
        (
            f"merchant endpoint down (day {cfg.outage_day}): attempts refused",
            f"{rep.outage_attempts:,}",
        ),
        ("events / verified deliveries", f"{rep.events:,} / {rep.deliveries:,}"),
        *[(f"checked: {name}", f"{n:,}") for name, n in sorted(rep.checks.items())],
        ("invariants checked", f"{sum(rep.checks.values()):,}"),
        ("violations", f"{len(rep.violations)}"),
        ("wall time (CPU)", f"{rep.seconds:.0f} s ({rep.cpu_seconds:.0f} s)"),
    ]
    for row in rows:
        table.add_row(*row)
    return table


def _queue_rows(rep: SoakReport) -> list[tuple[str, str]]:
    if not rep.queues:
        return []
    rows = [
        (
            f"  {name}: sent / delivered twice / received / back after failing",
            f"{q.sent:,} / {q.duplicated:,} / {q.received:,} / {q.returned:,}",
        )
        for name, q in sorted(rep.queues.items())
        if q.sent
    ]
    return [
        ("SQS (in process, random order)", "every queue of the template"),
        *rows,
        ("stream records handed to the relay twice", f"{rep.stream_redelivered:,}"),
    ]


def parse_args(argv: list[str]) -> SoakConfig:
    parser = argparse.ArgumentParser(prog="bench_soak", description=__doc__.splitlines()[0])
    parser.add_argument("--storage", choices=["memory", "moto"], default=SoakConfig.storage)
    parser.add_argument("--subscriptions", type=int, help="default: 2,000 in memory, 60 on moto")
    parser.add_argument("--days", type=int, default=SoakConfig.days)
    parser.add_argument("--fault-rate", type=float, default=SoakConfig.fault_rate)
    parser.add_argument("--seed", type=int, default=SoakConfig.seed)
    parser.add_argument("--step-minutes", type=int, default=SoakConfig.step // timedelta(minutes=1))
    args = parser.parse_args(argv)
    default = SoakConfig.subscriptions if args.storage == "memory" else MOTO_SUBSCRIPTIONS
    return SoakConfig(
        subscriptions=args.subscriptions or default,
        storage=args.storage,
        days=args.days,
        fault_rate=args.fault_rate,
        seed=args.seed,
        step=timedelta(minutes=args.step_minutes),
    )


def main(argv: list[str] | None = None) -> int:
    cfg = parse_args(sys.argv[1:] if argv is None else argv)
    rep = run_soak(cfg)
    console.print(report_table(cfg, rep))
    for problem in rep.violations[:20]:
        console.print(f"[red]violation[/red] {problem}")
    return 1 if rep.violations else 0


if __name__ == "__main__":
    sys.exit(main())
