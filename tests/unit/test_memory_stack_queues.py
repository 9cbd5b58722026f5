"""The in-memory soak's queues and stream behave as SQS and the table's stream do where it
matters to the soak: at least once, in any order, a failed message back after its visibility
timeout on the business clock, dead-lettered after its queue's maxReceiveCount."""

import random
from datetime import timedelta

import msgspec.structs
import pytest

from bc_subscriptions.adapters.clock import FixedClock
from bc_subscriptions.adapters.memory import MemoryStore
from bc_subscriptions.adapters.memory.store import Write
from bc_subscriptions.ports.storage import StoredEvent
from devstack import template as t
from devstack.memory_records import MemoryInbox, MemoryOutbox, MemoryVault
from devstack.memory_stack import InProcessQueue, _queues
from devstack.stack import PINNED_START


def _queue(**kw: object) -> tuple[InProcessQueue, FixedClock]:
    clock = FixedClock(PINNED_START)
    return InProcessQueue("Q", clock=clock, rng=random.Random(1), visibility_s=60, **kw), clock  # type: ignore[arg-type]


def test_a_received_message_stays_hidden_for_its_visibility_timeout_then_comes_back() -> None:
    # Given a message sent and received once, and not deleted (its handler failed)
    queue, clock = _queue()
    queue.send_batch(["a"])
    first = queue.receive(10)
    # When the business clock moves to just before, then to the end of its visibility timeout
    clock.advance(timedelta(seconds=59))
    before = queue.receive(10)
    clock.advance(timedelta(seconds=1))
    again = queue.receive(10)
    # Then it is hidden until then and comes back with its receive count raised
    assert [m["Body"] for m in first] == ["a"] and before == []
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert queue.stats.returned == 1


def test_a_deleted_message_is_gone_and_a_stale_receipt_deletes_nothing() -> None:
    # Given a message received twice (the first receipt is stale)
    queue, clock = _queue()
    queue.send_batch(["a"])
    stale = queue.receive(1)[0]["ReceiptHandle"]
    clock.advance(timedelta(seconds=60))
    current = queue.receive(1)[0]["ReceiptHandle"]
    # When the stale receipt deletes, then the current one
    queue.delete(stale)
    depth_after_stale = queue.depth()
    queue.delete(current)
    # Then only the current receipt removed it, as SQS refuses an expired receipt
    assert (depth_after_stale, queue.depth()) == (1, 0)


def test_a_message_received_max_receives_times_moves_to_its_dead_letter_queue() -> None:
    # Given a queue whose redrive policy allows two receives
    clock = FixedClock(PINNED_START)
    dlq = InProcessQueue("DLQ", clock=clock, rng=random.Random(1), visibility_s=30)
    queue = InProcessQueue(
        "Q", clock=clock, rng=random.Random(1), visibility_s=60, max_receives=2, dlq=dlq
    )
    queue.send_batch(["poison"])
    # When it fails on every receive
    received = []
    for _ in range(3):
        received += queue.receive(10)
        clock.advance(timedelta(seconds=60))
    # Then it was handed out twice and then moved to the dead-letter queue
    assert len(received) == 2
    assert (queue.depth(), dlq.depth(), queue.stats.dead_lettered) == (0, 1, 1)


def test_a_delayed_message_is_invisible_until_its_time_on_the_business_clock() -> None:
    # Given a message sent with a 5-minute delay and a retry for an hour later
    queue, clock = _queue()
    queue.send_batch(["paced"], [300])
    queue.send_later("retry", PINNED_START + timedelta(hours=1))
    # When the clock reaches each time
    now = queue.receive(10)
    clock.advance(timedelta(minutes=5))
    paced = queue.receive(10)
    queue.delete(paced[0]["ReceiptHandle"])  # handled
    clock.advance(timedelta(minutes=55))
    retry = queue.receive(10)
    # Then each came at its time and not before
    assert now == [] and [m["Body"] for m in paced] == ["paced"]
    assert [m["Body"] for m in retry] == ["retry"]


def test_a_share_of_messages_is_delivered_twice_and_in_no_fixed_order() -> None:
    # Given a queue that duplicates a fifth of what it is sent
    queue, _ = _queue(duplicate_share=0.2)
    bodies = [str(i) for i in range(200)]
    queue.send_batch(bodies)
    # When everything is received
    got = [m["Body"] for m in queue.receive(1000)]
    # Then every body came at least once, some twice, not in the order sent
    assert set(got) == set(bodies)
    assert len(got) == 200 + queue.stats.duplicated and queue.stats.duplicated > 10
    assert got != sorted(got, key=int)


def test_the_template_queues_keep_their_visibility_timeouts_and_redrive_policies() -> None:
    # Given / When the template's queues are built in memory
    queues = _queues(t.load_template(), FixedClock(PINNED_START), random.Random(1), 0.1)
    # Then each source queue has its own dead-letter queue and receive limit
    assert queues["RenewalQueue"].dlq is queues["RenewalDLQ"]
    assert queues["RenewalQueue"].max_receives == 5
    assert queues["WebhookDeliveryQueue"].dlq is queues["WebhookDeliveryDLQ"]
    assert queues["WebhookDeliveryQueue"].visibility == timedelta(seconds=180)
    assert queues["BcWebhookQueue"].dlq is queues["BcWebhookDLQ"]
    # and a dead-letter queue never duplicates what it is given
    assert queues["RenewalDLQ"].duplicate_share == 0.0


def test_the_inbox_lets_the_first_writer_win_and_a_failed_delivery_be_recorded_again() -> None:
    # Given a delivery recorded once
    inbox = MemoryInbox()
    first = inbox.record("s1", "h1", "store/order/created", "7", PINNED_START)
    # When it is recorded again, then marked failed and recorded once more
    repeat = inbox.record("s1", "h1", "store/order/created", "7", PINNED_START)
    inbox.mark("s1", "h1", "failed")
    after_failure = inbox.record("s1", "h1", "store/order/created", "7", PINNED_START)
    # Then the repeat was refused and the retry after the failure accepted
    assert (first, repeat, after_failure) == (True, False, True)


def test_the_outbox_lists_an_old_enough_event_until_it_is_marked_relayed() -> None:
    # Given one committed event, and an outbox of one shard
    store = MemoryStore()
    event = StoredEvent("s1", "sub_1", 1, "evt_sub_1_1", "charge.succeeded", "{}")
    event = msgspec.structs.replace(event, occurred_at=PINNED_START)
    store.apply([Write(("SUB#s1#sub_1", "EVENT#1"), event, must_not_exist=True, event=event)])
    outbox = MemoryOutbox(store, shards=1)
    later = PINNED_START + timedelta(minutes=10)
    # When it is read before it is old enough, after, and after being relayed
    too_new = list(outbox.pending(PINNED_START, 0, 10))
    pending = list(outbox.pending(later, 0, 10))
    outbox.mark_relayed(event)
    relayed = list(outbox.pending(later, 0, 10))
    # Then it is pending only while old enough and not relayed
    assert (too_new, pending, relayed) == ([], [event], [])


def test_the_vault_opens_a_ciphertext_only_for_its_own_store() -> None:
    # Given a secret sealed for one store
    vault = MemoryVault()
    sealed = vault.encrypt("s1", "token-1")
    # When / Then it opens for that store, is not the plain value, and refuses another store
    assert vault.decrypt("s1", sealed) == "token-1" and "token-1" not in sealed
    with pytest.raises(ValueError):
        vault.decrypt("s2", sealed)
