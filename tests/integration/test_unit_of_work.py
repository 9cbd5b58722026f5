"""The DynamoDB unit of work: optimistic locking, and state never written without its events."""

from datetime import timedelta

import pytest

from bc_subscriptions.adapters.dynamodb.unit_of_work import DynamoUnitOfWork
from bc_subscriptions.ports.storage import ConcurrencyConflict, OrderLink
from devstack.stack import LocalStack

from ..unit.factories import NOW, subscription


def _uow() -> DynamoUnitOfWork:
    return DynamoUnitOfWork(region="us-east-1", due_shards=4)


def _events(stack: LocalStack, sub_id: str) -> list[str]:
    import boto3

    table = boto3.resource("dynamodb").Table(stack.physical["SubscriptionsTable"])
    items = table.scan()["Items"]
    return [i["type"] for i in items if i["kind"] == "event" and i["subscription_id"] == sub_id]


def test_a_subscription_and_its_events_are_written_together(stack: LocalStack) -> None:
    # Given a new subscription with its creation event
    sub = subscription()
    # When
    with _uow() as uow:
        uow.subscriptions.add(sub)
        uow.commit()
    # Then
    with _uow() as uow:
        assert uow.subscriptions.get(sub.store_hash, sub.id) == sub
    assert _events(stack, sub.id) == ["subscription.created"]


def test_concurrent_updates_to_the_same_version_are_not_allowed(stack: LocalStack) -> None:
    # Given a stored subscription read by two workers
    sub = subscription()
    with _uow() as uow:
        uow.subscriptions.add(sub)
        uow.commit()
    first, second = _uow(), _uow()
    copy_a = first.subscriptions.get(sub.store_hash, sub.id)
    copy_b = second.subscriptions.get(sub.store_hash, sub.id)
    assert copy_a is not None and copy_b is not None
    # When both record a renewal
    copy_a.record_renewal(cycle=2, order_id=1, transaction_id="a", now=NOW)
    copy_b.record_renewal(cycle=2, order_id=2, transaction_id="b", now=NOW)
    first.subscriptions.save(copy_a)
    first.commit()
    second.subscriptions.save(copy_b)
    # Then the second is refused and wrote none of its events
    with pytest.raises(ConcurrencyConflict):
        second.commit()
    assert _events(stack, sub.id).count("charge.succeeded") == 1


def test_a_failed_condition_rolls_back_every_write_of_the_transaction(stack: LocalStack) -> None:
    # Given an order already linked to a subscription
    with _uow() as uow:
        uow.order_links.add(OrderLink("store1", 42, "origin", ("sub_x",)))
        uow.commit()
    # When another subscription tries to claim the same order in one transaction
    sub = subscription()
    with _uow() as uow:
        uow.subscriptions.add(sub)
        uow.order_links.add(OrderLink("store1", 42, "origin", (sub.id,)))
        with pytest.raises(ConcurrencyConflict):
            uow.commit()
    # Then neither the subscription nor its event exists
    with _uow() as uow:
        assert uow.subscriptions.get(sub.store_hash, sub.id) is None
    assert _events(stack, sub.id) == []


def test_leaving_without_commit_writes_nothing(stack: LocalStack) -> None:
    # Given / When
    sub = subscription()
    with _uow() as uow:
        uow.subscriptions.add(sub)
    # Then
    with _uow() as uow:
        assert uow.subscriptions.get(sub.store_hash, sub.id) is None


def test_reads_never_cross_stores(stack: LocalStack) -> None:
    # Given a subscription of store1
    sub = subscription()
    with _uow() as uow:
        uow.subscriptions.add(sub)
        uow.commit()
    # When another store asks for the same id
    with _uow() as uow:
        # Then it does not exist there
        assert uow.subscriptions.get("store2", sub.id) is None


def test_a_rate_limit_hit_lands_only_with_its_commit(stack: LocalStack) -> None:
    # Given a limit of two attempts an hour, one spent in a unit of work that was left
    window = timedelta(hours=1)

    def spend(commit: bool) -> float | None:
        with _uow() as uow:
            wait = uow.rate_limits.spend("store1", "k", limit=2, window=window, now=NOW)
            if commit:
                uow.commit()
        return wait

    assert spend(commit=False) is None
    # When two more are spent and committed
    first, second = spend(commit=True), spend(commit=True)
    # Then both fitted (the left one was never counted), and the next must wait for the window
    assert (first, second) == (None, None)
    wait = spend(commit=True)
    assert wait is not None and 0 < wait <= window.total_seconds()
