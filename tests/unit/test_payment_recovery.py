"""Recovery in the aggregate: a chosen card asks for one retry of the waiting cycle, at once."""

from datetime import timedelta

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.declines import DeclineClass
from bc_subscriptions.domain.dunning import Next, after_decline
from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.subscription import PaymentMethod, Subscription
from bc_subscriptions.domain.subscription_dunning import record_payment_failure
from bc_subscriptions.domain.subscription_payment_method import change_payment_method, recover
from bc_subscriptions.domain.tenant_config import PRESETS
from bc_subscriptions.services.action_links import issue_action_link

from .factories import NOW, subscription

LATER = NOW + timedelta(hours=3)


def _declined(sub: Subscription, decline: DeclineClass) -> None:
    token = sub.payment_method.instrument_token if sub.payment_method else None
    dunning = after_decline(
        PRESETS["standard"], sub.dunning, cycle=2, decline=decline, now=NOW, instrument=token
    )
    link, secret = issue_action_link(2, NOW, 72, "new_card")
    record_payment_failure(
        sub,
        cycle=2,
        order_id=501,
        code=30103,
        reason="expired card",
        now=NOW,
        dunning=dunning,
        action_link=link,
        action_token=secret,
    )
    sub.pull_events()


def _choose(sub: Subscription, token: str) -> None:
    change_payment_method(
        sub, PaymentMethod(instrument_token=token, payment_method_id="card"), LATER
    )


def test_a_new_card_for_a_hard_declined_cycle_asks_for_one_retry_of_that_cycle_now() -> None:
    # Given a renewal declined hard
    sub = subscription()
    _declined(sub, DeclineClass.HARD)
    assert sub.status is Status.REQUIRES_ACTION
    # When the shopper chooses another card
    _choose(sub, "tok-new")
    cycle = recover(sub, LATER)
    # Then cycle 2 is retried now, past due until it is paid, and the link cannot be used again
    assert cycle == 2
    assert sub.status is Status.PAST_DUE and sub.is_due(LATER)
    assert sub.dunning is not None and sub.dunning.next is Next.RETRY
    assert sub.action_link is not None and sub.action_link.used_at == LATER
    received = [e for e in sub.pull_events() if e.type == ev.PAYMENT_METHOD_RECEIVED]
    assert [e.data for e in received] == [{"customer_id": 7, "cycle": 2, "retry": True}]


def test_choosing_again_while_the_retry_waits_asks_for_no_second_retry() -> None:
    # Given a retry asked for with one card
    sub = subscription()
    _declined(sub, DeclineClass.HARD)
    _choose(sub, "tok-a")
    assert recover(sub, LATER) == 2
    # When the same card is chosen again, and then another one, before the worker ran
    again = recover(sub, LATER)
    _choose(sub, "tok-b")
    other = recover(sub, LATER)
    # Then neither asks for another retry; the waiting one pays with the last card chosen
    assert (again, other) == (None, None)
    assert sub.dunning is not None and sub.dunning.recovery_instrument == "tok-b"
    assert sub.payment_method is not None and sub.payment_method.instrument_token == "tok-b"


def test_the_card_just_declined_retries_nothing_unless_the_shopper_authenticated_it() -> None:
    # Given a payment that wanted authentication
    sub = subscription()
    _declined(sub, DeclineClass.REQUIRES_ACTION)
    # When the same card is chosen without, then with, the shopper present
    unauthenticated = recover(sub, LATER)
    authenticated = recover(sub, LATER, authenticated=True)
    # Then only the authenticated choice resumes the same cycle
    assert (unauthenticated, authenticated) == (None, 2)


def test_the_retry_is_spent_by_the_next_decline_and_a_later_other_card_asks_again() -> None:
    # Given a retry asked for that was declined again (hard)
    sub = subscription()
    _declined(sub, DeclineClass.HARD)
    _choose(sub, "tok-a")
    assert recover(sub, LATER) == 2
    _declined(sub, DeclineClass.HARD)
    # Then the declined card asks for nothing, a third one for one more retry
    assert sub.dunning is not None and not sub.dunning.recovery_pending
    assert sub.dunning.declined_instrument == "tok-a" and sub.dunning.failed_attempts == 2
    assert recover(sub, LATER) is None
    _choose(sub, "tok-b")
    assert recover(sub, LATER) == 2


def test_a_subscription_without_a_card_at_checkout_asks_for_one_with_a_link() -> None:
    # Given / When a checkout without a stored card
    link, token = issue_action_link(2, NOW, 72, "new_card")
    sub = subscription(payment_method=None, card_link=(link, token))
    # Then the shopper is asked for a card, and the event carries the link's token
    assert sub.status is Status.REQUIRES_ACTION and sub.due_at() is None
    [required] = [e for e in sub.pull_events() if e.type == ev.PAYMENT_METHOD_REQUIRED]
    assert required.data == {
        "customer_id": 7,
        "cycle": 2,
        "action": "new_card",
        "action_token": token,
        "expires_at": "2026-02-03T12:00:00Z",
    }
    assert sub.action_link is not None and sub.action_link.token_sha256 != token


def test_a_card_for_a_subscription_that_had_none_renews_it_from_its_next_cycle() -> None:
    # Given a subscription started without a card
    sub = subscription(payment_method=None)
    # When a card is chosen before its renewal date
    _choose(sub, "tok-a")
    before = recover(sub, LATER)
    # Then it is active again and renews on its date (no cycle waits yet)
    assert before is None and sub.status is Status.ACTIVE
    assert sub.next_renewal_at > LATER


def test_a_card_for_a_subscription_that_had_none_is_charged_at_once_when_overdue() -> None:
    # Given a subscription started without a card, whose renewal date has passed
    sub = subscription(payment_method=None)
    overdue = sub.next_renewal_at + timedelta(days=2)
    # When a card is chosen
    change_payment_method(sub, PaymentMethod(instrument_token="t", payment_method_id=""), overdue)
    # Then its next cycle is due now
    assert recover(sub, overdue) == 2 and sub.status is Status.ACTIVE


def test_nothing_waits_on_an_active_subscription() -> None:
    # Given / When / Then
    sub = subscription()
    _choose(sub, "tok-new")
    assert recover(sub, LATER) is None and sub.status is Status.ACTIVE
