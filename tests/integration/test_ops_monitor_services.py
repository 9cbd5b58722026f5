"""The stuck-workflow and dead-letter services on moto: what counts as stuck, paging across
the due index's shards, what is recorded when, and a redrive that could not send."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bc_subscriptions.adapters.dynamodb.dead_letters import DynamoDeadLetters
from bc_subscriptions.adapters.dynamodb.event_log import EventLog
from bc_subscriptions.adapters.dynamodb.store_records import Installs
from bc_subscriptions.adapters.dynamodb.subscription_reads import InvalidCursor, SubscriptionReads
from bc_subscriptions.adapters.dynamodb.unit_of_work import DynamoUnitOfWork
from bc_subscriptions.domain.charge import Charge, Stage
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.domain.subscription_pauses import pause
from bc_subscriptions.ports.storage import DeadLetter, Endpoint
from bc_subscriptions.services import dead_letters as svc
from bc_subscriptions.services.messages import DeliverWebhook, RenewSubscription
from bc_subscriptions.services.renewal_workflow import RetryLater, SubscriptionNotFound
from bc_subscriptions.services.stuck_workflows import stuck_workflows
from bc_subscriptions.services.webhook_replay import ReplayRefused

from ..unit.factories import NOW, subscription

SHARDS = 8
DUE = NOW.replace(month=2, day=28)  # a month after NOW (Jan 31), clamped to February's end


class ListQueue:
    """Collects what is sent; fails the first `failures` sends."""

    def __init__(self, failures: int = 0) -> None:
        self.sent: list[str] = []
        self.failures = failures

    def send_batch(self, bodies: list[str]) -> int:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("queue unavailable")
        self.sent += bodies
        return len(bodies)


class NoEndpoints:
    def __init__(self, endpoint: Endpoint | None = None) -> None:
        self.endpoint = endpoint

    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None:
        return self.endpoint


def _uow() -> DynamoUnitOfWork:
    return DynamoUnitOfWork(region="us-east-1", due_shards=SHARDS)


def _store(*subs: Subscription, charges: tuple[Charge, ...] = ()) -> None:
    with _uow() as uow:
        for sub in subs:
            uow.subscriptions.add(sub)
        for charge in charges:
            uow.charges.add(charge)
        uow.commit()


def _stuck(
    store_hash: str, after_due: timedelta, *, limit: int = 25, cursor: str | None = None
) -> tuple[list[str], str | None]:
    items, next_cursor = stuck_workflows(
        store_hash,
        uow=_uow(),
        reader=SubscriptionReads(SHARDS),
        now=DUE + after_due,
        cursor=cursor,
        limit=limit,
    )
    return [i.subscription.id for i in items], next_cursor


@pytest.mark.usefixtures("stack")
def test_only_renewals_due_longer_than_the_threshold_are_stuck_with_the_cycle_charge() -> None:
    # Given a subscription due two hours ago with a charge whose lease ran out, one due 30
    # minutes ago, a paused one, and another store's
    leased = subscription(store_hash="stk1")
    recent = subscription(store_hash="stk1", now=NOW + timedelta(minutes=90))
    paused = subscription(store_hash="stk1")
    pause(paused, NOW)
    theirs = subscription(store_hash="stk2")
    charge = Charge(
        store_hash="stk1", subscription_id=leased.id, cycle=2, created_at=DUE, updated_at=DUE
    )
    charge.take_lease("worker-1", DUE)
    charge.advance(Stage.PRICED, DUE)
    _store(leased, recent, paused, theirs, charges=(charge,))
    # When the queue is read two hours after the first was due
    items, cursor = stuck_workflows(
        "stk1",
        uow=_uow(),
        reader=SubscriptionReads(SHARDS),
        now=DUE + timedelta(hours=2),
        cursor=None,
        limit=25,
    )
    # Then only the first is stuck, with its charge, diagnosed
    [item] = items
    assert (item.subscription.id, item.cycle, item.minutes_overdue) == (leased.id, 2, 120)
    assert item.charge is not None and item.charge.lease_owner == "worker-1"
    assert item.charge.stage == Stage.PRICED and item.diagnosis == "lease_expired"
    assert cursor is None


@pytest.mark.usefixtures("stack")
def test_pages_merge_the_shards_oldest_first_and_a_cursor_is_this_stores_only() -> None:
    # Given twelve overdue subscriptions, a minute apart, spread over the shards
    subs = [subscription(store_hash="stk3", now=NOW + timedelta(minutes=n)) for n in range(12)]
    _store(*subs)
    # When paged five at a time
    seen: list[str] = []
    ids, cursor = _stuck("stk3", timedelta(days=1), limit=5)
    seen += ids
    while cursor is not None:
        ids, cursor = _stuck("stk3", timedelta(days=1), limit=5, cursor=cursor)
        seen += ids
    # Then every one comes once, oldest first
    assert seen == [s.id for s in subs]
    # And another store refuses the cursor
    _, first = _stuck("stk3", timedelta(days=1), limit=5)
    with pytest.raises(InvalidCursor):
        _stuck("stk4", timedelta(days=1), cursor=first)


@pytest.mark.usefixtures("stack")
def test_a_renewal_failure_is_recorded_only_on_the_last_receive_and_without_secrets() -> None:
    letters = DynamoDeadLetters()
    cmd = RenewSubscription(store_hash="stk5", subscription_id="sub_x", cycle=3)
    failure = RetryLater("PAT eyJhbGciOi.secret leased; Bearer abc " + "k" * 48)

    def record(count: int, exc: Exception = failure, unknown: bool = False) -> DeadLetter | None:
        return svc.record_renewal_failure(
            cmd,
            exc,
            receive_count=count,
            max_receives=5,
            unknown_subscription=unknown,
            letters=letters,
            installs=Installs(),
            now=NOW,
        )

    # When it fails on receives 1 to 4, nothing is recorded; on the 5th it is
    assert [record(n) for n in range(1, 5)] == [None] * 4
    assert letters.page("stk5", cursor=None, limit=10).items == []
    letter = record(5)
    assert letter is not None
    [stored] = letters.page("stk5", cursor=None, limit=10).items
    assert stored == letter and (stored.subscription_id, stored.cycle) == ("sub_x", 3)
    assert stored.error.startswith("RetryLater: ")
    assert "eyJhbGciOi" not in stored.error and "abc" not in stored.error
    assert "k" * 40 not in stored.error
    # And an unknown subscription of a store that is not installed is not recorded at all
    assert record(5, SubscriptionNotFound("stk5/sub_x"), unknown=True) is None
    assert len(letters.page("stk5", cursor=None, limit=10).items) == 1


@pytest.mark.usefixtures("stack")
def test_a_redrive_that_could_not_send_can_be_tried_again() -> None:
    # Given a dead-lettered renewal and a queue that fails the first send
    letters, queue = DynamoDeadLetters(), ListQueue(failures=1)
    letter = svc.record_renewal_failure(
        RenewSubscription(store_hash="stk6", subscription_id="sub_y", cycle=2),
        RetryLater("leased"),
        receive_count=5,
        max_receives=5,
        unknown_subscription=False,
        letters=letters,
        installs=Installs(),
        now=NOW,
    )
    assert letter is not None

    def redrive(store_hash: str) -> DeadLetter:
        assert letter is not None
        return svc.redrive(
            store_hash,
            letter.dead_letter_id,
            letters=letters,
            renewal_queue=queue,
            endpoints=NoEndpoints(),
            events=EventLog(),
            webhook_queue=ListQueue(),
            now=NOW,
        )

    # When the first redrive cannot send
    with pytest.raises(ConnectionError):
        redrive("stk6")
    # Then it is not marked, and the next one sends once; a third is refused
    stored = letters.get("stk6", letter.dead_letter_id)
    assert stored is not None and stored.redriven_at is None
    done = redrive("stk6")
    assert done.redriven_at == NOW
    with pytest.raises(svc.RedriveRefused):
        redrive("stk6")
    assert [RenewSubscription.from_json(b).cycle for b in queue.sent] == [2]
    # And another store does not find it
    with pytest.raises(svc.DeadLetterNotFound):
        redrive("stk7")


@pytest.mark.usefixtures("stack")
def test_a_delivery_redrive_to_a_deleted_endpoint_is_refused_and_left_unmarked() -> None:
    # Given a dead-lettered delivery whose endpoint no longer exists
    letters = DynamoDeadLetters()
    cmd = DeliverWebhook(
        store_hash="stk8",
        endpoint_id="ep_gone",
        event_id="evt_1",
        event_type="subscription.created",
        body="{}",
        attempt=10,
    )
    letter = svc.record_webhook_failure(cmd, "HTTP 500: oops", letters=letters, now=NOW)
    # When it is redriven
    with pytest.raises(ReplayRefused) as refused:
        svc.redrive(
            "stk8",
            letter.dead_letter_id,
            letters=letters,
            renewal_queue=ListQueue(),
            endpoints=NoEndpoints(),
            events=EventLog(),
            webhook_queue=ListQueue(),
            now=NOW,
        )
    # Then it is refused as not found, and stays redrivable
    assert refused.value.code == "endpoint_not_found"
    stored = letters.get("stk8", letter.dead_letter_id)
    assert stored is not None and stored.redriven_at is None
    assert (stored.kind, stored.attempts, stored.error) == (
        "webhook_delivery",
        10,
        "HTTP 500: oops",
    )
