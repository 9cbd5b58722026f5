"""Declines, retries and payment methods on the aggregate directly: the exact events each
records and what each leaves on the subscription."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.declines import DeclineClass
from bc_subscriptions.domain.dunning import Next, after_decline
from bc_subscriptions.domain.errors import DomainError, NothingToRetry
from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.subscription import PaymentMethod, Subscription
from bc_subscriptions.domain.subscription_actors import change_payer
from bc_subscriptions.domain.subscription_cancels import cancel
from bc_subscriptions.domain.subscription_dunning import record_payment_failure, retry_payment_now
from bc_subscriptions.domain.subscription_payment_method import change_payment_method
from bc_subscriptions.domain.tenant_config import PRESETS
from bc_subscriptions.services.action_links import issue_action_link

from .factories import NOW, subscription

LATER = NOW + timedelta(hours=3)


def _decline(sub: Subscription, decline: DeclineClass, *, with_link: bool = True) -> str:
    dunning = after_decline(
        PRESETS["standard"], sub.dunning, cycle=2, decline=decline, now=NOW, instrument="tok"
    )
    link, token = issue_action_link(2, NOW, 72, "authenticate")
    record_payment_failure(
        sub,
        cycle=2,
        order_id=501,
        code=30103,
        reason="declined",
        now=NOW,
        dunning=dunning,
        action_link=link if with_link else None,
        action_token=token if with_link else None,
    )
    return token


def test_a_soft_decline_records_the_attempt_and_when_it_is_retried() -> None:
    # Given an active subscription
    sub = subscription()
    sub.pull_events()
    # When its renewal is declined softly
    _decline(sub, DeclineClass.SOFT)
    # Then charge.failed carries the attempt and the retry, and the shopper is not asked
    failed, past_due = sub.pull_events()
    assert (failed.type, failed.data) == (
        ev.CHARGE_FAILED,
        {
            "cycle": 2,
            "order_id": 501,
            "decline_code": 30103,
            "reason": "declined",
            "attempt": 1,
            "decline_class": "soft",
            "next_retry_at": "2026-02-01T12:00:00Z",
        },
    )
    assert (past_due.type, past_due.data) == (ev.SUBSCRIPTION_PAST_DUE, {"cycle": 2})
    assert sub.action_link is None and sub.updated_at == NOW


def test_a_second_decline_while_past_due_does_not_say_past_due_again() -> None:
    # Given a subscription past due after one decline
    sub = subscription()
    _decline(sub, DeclineClass.SOFT)
    sub.pull_events()
    # When the retry is declined too
    _decline(sub, DeclineClass.SOFT)
    # Then only the failure is recorded
    assert [e.type for e in sub.pull_events()] == [ev.CHARGE_FAILED]


def test_a_failure_without_dunning_records_the_decline_alone() -> None:
    # Given an active subscription
    sub = subscription()
    sub.pull_events()
    # When a failure is recorded with no dunning step
    record_payment_failure(sub, cycle=2, order_id=501, code=None, reason="x", now=NOW)
    # Then charge.failed has no attempt fields
    failed, past_due = sub.pull_events()
    assert failed.data == {"cycle": 2, "order_id": 501, "decline_code": None, "reason": "x"}
    assert past_due.type == ev.SUBSCRIPTION_PAST_DUE and sub.dunning is None


def test_a_decline_asking_to_authenticate_sends_the_link_in_requires_action() -> None:
    # Given an active subscription
    sub = subscription()
    sub.pull_events()
    # When the bank asks the shopper to authenticate
    token = _decline(sub, DeclineClass.REQUIRES_ACTION)
    # Then the link is kept (hashed) and its token goes out once, in subscription.requires_action
    assert sub.status is Status.REQUIRES_ACTION
    assert sub.dunning is not None and sub.dunning.next is Next.AUTHENTICATE
    failed, requires_action = sub.pull_events()
    assert failed.type == ev.CHARGE_FAILED
    assert (requires_action.type, requires_action.data) == (
        ev.SUBSCRIPTION_REQUIRES_ACTION,
        {
            "cycle": 2,
            "order_id": 501,
            "action": "authenticate",
            "action_token": token,
            "expires_at": "2026-02-03T12:00:00Z",
        },
    )
    assert sub.action_link is not None and sub.action_link.token_sha256 != token


def test_a_decline_asking_to_authenticate_without_a_link_records_only_the_failure() -> None:
    sub = subscription()
    sub.pull_events()
    _decline(sub, DeclineClass.REQUIRES_ACTION, with_link=False)
    assert [e.type for e in sub.pull_events()] == [ev.CHARGE_FAILED]
    assert sub.status is Status.REQUIRES_ACTION and sub.action_link is None


def test_a_hard_decline_asks_the_payer_for_a_card_naming_the_order() -> None:
    # Given an active subscription
    sub = subscription()
    sub.pull_events()
    # When the card is declined hard
    token = _decline(sub, DeclineClass.HARD)
    # Then payment_method.required names the cycle's order and carries the link
    _, required = sub.pull_events()
    assert (required.type, required.data) == (
        ev.PAYMENT_METHOD_REQUIRED,
        {
            "customer_id": 7,
            "cycle": 2,
            "order_id": 501,
            "action": "authenticate",
            "action_token": token,
            "expires_at": "2026-02-03T12:00:00Z",
        },
    )


def test_the_merchant_brings_a_waiting_retry_forward_to_now_never_later() -> None:
    # Given a past-due subscription whose retry is tomorrow
    sub = subscription()
    _decline(sub, DeclineClass.SOFT)
    sub.pull_events()
    # When the merchant asks for it now
    cycle = retry_payment_now(sub, LATER)
    # Then the cycle's retry is due now, with no event, and asking again changes nothing more
    assert cycle == 2 and sub.dunning is not None and sub.dunning.next_retry_at == LATER
    assert sub.updated_at == LATER and sub.is_due(LATER)
    assert retry_payment_now(sub, LATER + timedelta(hours=1)) == 2
    assert sub.dunning.next_retry_at == LATER
    assert sub.pull_events() == []


@pytest.mark.parametrize("decline", [None, DeclineClass.HARD])
def test_no_retry_is_brought_forward_unless_one_waits(decline: DeclineClass | None) -> None:
    # Given an active subscription, or one waiting for the shopper's card
    sub = subscription()
    if decline is not None:
        _decline(sub, decline)
    before = copy.deepcopy(sub)
    # When / Then the merchant's retry is refused, naming the status
    with pytest.raises(NothingToRetry, match=f"that is {sub.status.value} has no"):
        retry_payment_now(sub, LATER)
    assert sub == before


def test_a_new_payment_method_is_recorded_for_the_payer_with_its_method_id() -> None:
    # Given a subscription paid by someone other than its customer
    sub = subscription()
    change_payer(sub, 30, NOW)
    sub.pull_events()
    method = PaymentMethod(instrument_token="tok-new", payment_method_id="")
    # When the payer picks a card whose method is not known yet
    change_payment_method(sub, method, LATER)
    # Then it is used from now on, and the merchant hears of it with a null method id
    assert sub.payment_method == method and sub.updated_at == LATER
    [updated] = sub.pull_events()
    assert (updated.type, updated.data) == (
        ev.SUBSCRIPTION_PAYMENT_METHOD_UPDATED,
        {"customer_id": 30, "payment_method_id": None},
    )


def test_a_cancelled_subscription_takes_no_new_payment_method() -> None:
    sub = subscription()
    cancel(sub, NOW)
    sub.pull_events()
    with pytest.raises(DomainError, match="a cancelled subscription is not charged any more"):
        change_payment_method(sub, PaymentMethod(instrument_token="t", payment_method_id="c"), NOW)
    assert sub.payment_method is not None and sub.payment_method.instrument_token == "tok"
    assert sub.pull_events() == []


def test_a_paid_renewal_spends_a_link_still_out_and_proves_the_card() -> None:
    # Given a subscription asked to authenticate, with its link out
    sub = subscription()
    _decline(sub, DeclineClass.REQUIRES_ACTION)
    sub.pull_events()
    # When the cycle is paid after all
    sub.record_renewal(cycle=2, order_id=501, transaction_id="t1", now=LATER)
    # Then the link is spent, the card proven now, and the charge recorded
    assert sub.action_link is not None and sub.action_link.used_at == LATER
    assert sub.payment_method is not None and sub.payment_method.verified_at == LATER
    succeeded, renewed = sub.pull_events()
    assert (succeeded.type, succeeded.data) == (
        ev.CHARGE_SUCCEEDED,
        {
            "cycle": 2,
            "order_id": 501,
            "transaction_id": "t1",
            "amount": "20.00",
            "currency": "USD",
        },
    )
    assert renewed.type == ev.SUBSCRIPTION_RENEWED
