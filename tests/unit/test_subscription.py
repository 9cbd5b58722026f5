"""The Subscription aggregate: creation, renewal, failure, and the events each records."""

from datetime import timedelta
from decimal import Decimal

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.lifecycle import Status

from .factories import NOW, line, subscription


def test_a_paid_order_starts_an_active_subscription_due_one_period_later() -> None:
    # Given / When
    sub = subscription()
    # Then
    assert sub.status is Status.ACTIVE
    assert sub.next_cycle == 2
    assert sub.next_renewal_at.date().isoformat() == "2026-02-28"
    assert [e.type for e in sub.pull_events()] == [ev.SUBSCRIPTION_CREATED]


def test_a_trial_delays_the_first_renewal_to_the_end_of_the_trial() -> None:
    # Given / When
    sub = subscription(trial_days=14)
    # Then
    assert sub.status is Status.TRIALING
    assert sub.next_renewal_at == NOW + timedelta(days=14)
    assert sub.is_due(NOW + timedelta(days=14))
    assert not sub.is_due(NOW + timedelta(days=13))


def test_without_a_stored_card_the_subscription_asks_for_a_payment_method() -> None:
    # Given / When
    sub = subscription(payment_method=None)
    # Then
    assert sub.status is Status.REQUIRES_ACTION
    assert not sub.is_due(NOW + timedelta(days=400))
    assert [e.type for e in sub.pull_events()] == [
        ev.PAYMENT_METHOD_REQUIRED,
        ev.SUBSCRIPTION_CREATED,
    ]


def test_renewal_advances_the_cycle_and_keeps_the_anchor_day() -> None:
    # Given
    sub = subscription()
    sub.pull_events()
    # When
    sub.record_renewal(cycle=2, order_id=501, transaction_id="t1", now=NOW + timedelta(days=28))
    # Then
    assert sub.next_cycle == 3
    assert sub.next_renewal_at.date().isoformat() == "2026-03-31"
    events = sub.pull_events()
    assert [e.type for e in events] == [ev.CHARGE_SUCCEEDED, ev.SUBSCRIPTION_RENEWED]
    assert [e.seq for e in events] == [2, 3]
    assert events[0].data["amount"] == "20.00"


def test_a_declined_renewal_makes_the_subscription_past_due_once() -> None:
    # Given
    sub = subscription()
    sub.pull_events()
    # When
    sub.record_payment_failure(cycle=2, order_id=501, code=30104, reason="soft", now=NOW)
    sub.record_payment_failure(cycle=2, order_id=501, code=30104, reason="soft", now=NOW)
    # Then
    assert sub.status is Status.PAST_DUE
    assert [e.type for e in sub.pull_events()] == [
        ev.CHARGE_FAILED,
        ev.SUBSCRIPTION_PAST_DUE,
        ev.CHARGE_FAILED,
    ]


def test_the_renewal_total_is_the_locked_price_times_quantity() -> None:
    # Given / When
    sub = subscription(lines=[line("19.99", 2), line("5.01", 1, product_id=222)])
    # Then
    assert sub.renewal_total() == Decimal("44.99")


def test_event_ids_are_unique_and_ordered_per_subscription() -> None:
    # Given
    sub = subscription()
    sub.record_renewal(cycle=2, order_id=1, transaction_id="t", now=NOW)
    # When
    events = sub.pull_events()
    # Then
    assert len({e.id for e in events}) == len(events)
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert events[0].envelope()["data"]["sequence"] == 1
