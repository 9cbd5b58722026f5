"""The Subscription aggregate: creation, renewal, failure, and the events each records."""

from datetime import datetime, timedelta
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.declines import DeclineClass
from bc_subscriptions.domain.delivery import charge_cycle_of, is_charge_cycle
from bc_subscriptions.domain.dunning import after_decline
from bc_subscriptions.domain.errors import DomainError
from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.plan import PlanTerms
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.domain.subscription_cancels import stop_for_deleted_customer
from bc_subscriptions.domain.subscription_dunning import give_up, record_payment_failure
from bc_subscriptions.domain.subscription_pauses import pause, resume
from bc_subscriptions.domain.subscription_payment_method import card_is_stale
from bc_subscriptions.domain.subscription_pricing import renewal_total
from bc_subscriptions.domain.tenant_config import PRESETS

from .factories import MONTHLY, NOW, line, subscription


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
    record_payment_failure(sub, cycle=2, order_id=501, code=30104, reason="soft", now=NOW)
    record_payment_failure(sub, cycle=2, order_id=501, code=30104, reason="soft", now=NOW)
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
    assert renewal_total(sub) == Decimal("44.99")


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


@given(cycle=st.integers(min_value=1, max_value=10_000), n=st.integers(min_value=1, max_value=52))
def test_every_cycle_is_covered_by_the_latest_charge_cycle_at_or_before_it(
    cycle: int, n: int
) -> None:
    # Given / When
    paid_by = charge_cycle_of(cycle, n)
    # Then
    assert is_charge_cycle(paid_by, n)
    assert 0 <= cycle - paid_by < n
    assert is_charge_cycle(cycle, n) == (paid_by == cycle)


def test_a_card_is_stale_once_older_than_the_freshness_window() -> None:
    # Given a card proven at checkout
    sub = subscription()
    # When / Then
    assert not card_is_stale(sub, NOW + timedelta(days=365), 365)
    assert card_is_stale(sub, NOW + timedelta(days=365, seconds=1), 365)
    sub.record_renewal(cycle=2, order_id=1, transaction_id="t", now=NOW + timedelta(days=300))
    assert not card_is_stale(sub, NOW + timedelta(days=400), 365)


def test_resuming_skips_the_cycles_that_fell_due_while_paused() -> None:
    # Given a monthly subscription paused for three months
    sub = subscription()
    pause(sub, NOW)
    assert sub.due_at() is None
    # When
    resume(sub, NOW + timedelta(days=95))
    # Then
    assert sub.status is Status.ACTIVE
    assert sub.next_cycle == 5 and sub.next_renewal_at > NOW + timedelta(days=95)


def test_skipping_is_refused_when_there_is_nothing_to_renew() -> None:
    # Given / When / Then
    sub = subscription()
    pause(sub, NOW)
    with pytest.raises(DomainError):
        sub.skip_next_cycle(NOW)


def _declined(sub: Subscription, decline: DeclineClass, now: datetime = NOW) -> None:
    dunning = after_decline(PRESETS["standard"], sub.dunning, cycle=2, decline=decline, now=now)
    record_payment_failure(
        sub, cycle=2, order_id=501, code=None, reason=decline.value, now=now, dunning=dunning
    )


def test_a_soft_decline_keeps_the_subscription_due_for_its_retry() -> None:
    # Given
    sub = subscription()
    sub.pull_events()
    # When
    _declined(sub, DeclineClass.SOFT)
    # Then
    assert sub.status is Status.PAST_DUE
    assert sub.due_at() == NOW + timedelta(days=1)
    [failed, past_due] = sub.pull_events()
    assert (failed.type, past_due.type) == (ev.CHARGE_FAILED, ev.SUBSCRIPTION_PAST_DUE)
    assert failed.data["decline_class"] == "soft" and failed.data["attempt"] == 1


def test_a_hard_decline_asks_for_a_new_card_and_is_only_swept_for_the_final_action() -> None:
    # Given
    sub = subscription()
    sub.pull_events()
    # When
    _declined(sub, DeclineClass.HARD)
    # Then
    assert sub.status is Status.REQUIRES_ACTION
    assert sub.due_at() == NOW + timedelta(days=14)
    assert [e.type for e in sub.pull_events()] == [ev.CHARGE_FAILED, ev.PAYMENT_METHOD_REQUIRED]


def test_recovery_returns_to_active_and_ends_dunning() -> None:
    # Given a past-due subscription
    sub = subscription()
    _declined(sub, DeclineClass.INSUFFICIENT_FUNDS)
    # When its retry is paid
    sub.record_renewal(cycle=2, order_id=501, transaction_id="t", now=NOW + timedelta(days=1))
    # Then
    assert sub.status is Status.ACTIVE and sub.dunning is None and sub.next_cycle == 3
    assert sub.due_at() == sub.next_renewal_at


@pytest.mark.parametrize(
    ("action", "status"), [("cancel", Status.CANCELLED), ("pause", Status.PAUSED)]
)
def test_giving_up_applies_the_final_action_even_within_a_commitment(
    action: str, status: Status
) -> None:
    # Given a committed subscription that stayed unpaid
    sub = subscription(terms=PlanTerms(commitment_count=12))
    _declined(sub, DeclineClass.SOFT)
    # When
    give_up(sub, action, NOW + timedelta(days=14))
    # Then
    assert sub.status is status and sub.due_at() is None and sub.dunning is None
    assert sub.pull_events()[-1].data == {"reason": "dunning_exhausted", "cycle": 2}


def test_a_subscription_on_a_retired_cadence_announces_its_cadence_without_the_plans_flag() -> None:
    # Given a subscription captured from an order placed before its cadence was retired
    retired = msgspec.structs.replace(MONTHLY, retired=True)
    sub = subscription(cadence=retired)
    # When / Then its events carry the cadence as the event schema has it
    assert sub.summary()["cadence"] == {
        "label": "Monthly",
        "interval": "month",
        "interval_count": 1,
        "discount_percent": "0",
    }


def test_a_deleted_customers_subscription_stops_even_within_its_commitment() -> None:
    # Given a subscription twelve cycles short of its commitment
    sub = subscription(terms=PlanTerms(commitment_count=12))
    sub.pull_events()
    # When the store deletes its customer
    stop_for_deleted_customer(sub, NOW + timedelta(days=3))
    # Then it is cancelled, with one event saying why and no fee
    assert sub.status == Status.CANCELLED
    [event] = sub.pull_events()
    assert (event.type, event.data) == (
        ev.SUBSCRIPTION_CANCELLED,
        {"reason": "customer_deleted", "cycle": 2},
    )


def test_a_cancelled_subscription_is_not_stopped_twice() -> None:
    # Given a subscription already stopped
    sub = subscription()
    stop_for_deleted_customer(sub, NOW)
    sub.pull_events()
    # When / Then a second stop is refused by the resolver, and records nothing
    with pytest.raises(DomainError):
        stop_for_deleted_customer(sub, NOW)
    assert sub.pull_events() == []
