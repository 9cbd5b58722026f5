"""Purchase-order invoices and company moves on the aggregate directly: what each records, and
what it changes, without storage or BigCommerce."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.company import CompanyMembership, InvoiceTerms, OpenInvoice
from bc_subscriptions.domain.errors import DomainError, InvalidTransition
from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.domain.subscription_cancels import cancel
from bc_subscriptions.domain.subscription_company import move_to_company
from bc_subscriptions.domain.subscription_dunning import give_up
from bc_subscriptions.domain.subscription_invoices import (
    flag_overdue,
    invoice_due_at,
    overdue_invoices,
    record_invoice_paid,
    record_invoiced_locations,
    record_invoiced_renewal,
    resume_paid_up,
)
from bc_subscriptions.domain.subscription_pauses import pause, resume

from .factories import NOW, subscription

CYCLE_2 = datetime(2026, 2, 28, 12, 0, tzinfo=UTC)  # a month after NOW, clamped to February
ACME = CompanyMembership(company_id=41, parent_company_id=40)


def _po_subscription(**overrides: Any) -> Subscription:
    fields: dict[str, Any] = {
        "payment_method": None,
        "company": ACME,
        "invoice_terms": InvoiceTerms(po_number="PO-7781", net_terms_days=30),
    }
    sub = subscription(**(fields | overrides))
    sub.pull_events()
    return sub


def _invoiced(sub: Subscription, cycle: int = 2, order_id: int = 900) -> OpenInvoice:
    invoice = record_invoiced_renewal(sub, cycle=cycle, order_id=order_id, now=NOW)
    sub.pull_events()
    return invoice


def test_an_invoice_falls_due_its_net_terms_after_its_cycle_starts() -> None:
    # Given a net-30 subscription and one without terms
    po, personal = _po_subscription(), subscription()
    # When / Then cycle 2's invoice is due 30 days after cycle 2 starts, on every attempt
    assert po.cycle_starts_at(2) == CYCLE_2
    assert invoice_due_at(po, 2) == CYCLE_2 + timedelta(days=30)
    assert invoice_due_at(personal, 2) == CYCLE_2


def test_an_invoiced_renewal_renews_the_cycle_and_leaves_its_invoice_open() -> None:
    # Given a purchase-order subscription whose cycle 2 is due
    sub = _po_subscription()
    # When its order goes out unpaid
    invoice = record_invoiced_renewal(sub, cycle=2, order_id=900, now=NOW)
    # Then the cycle counts as renewed, nothing is charged, and the invoice stays open
    assert invoice == OpenInvoice(cycle=2, order_id=900, due_at=CYCLE_2 + timedelta(days=30))
    assert sub.open_invoices == (invoice,)
    assert (sub.status, sub.next_cycle, sub.paid_cycles, sub.updated_at) == (
        Status.ACTIVE,
        3,
        2,
        NOW,
    )
    issued, renewed = sub.pull_events()
    assert issued.type == ev.INVOICE_ISSUED
    assert issued.data == {
        "cycle": 2,
        "order_id": 900,
        "po_number": "PO-7781",
        "amount": "20.00",
        "currency": "USD",
        "due_at": "2026-03-30T12:00:00Z",
    }
    assert renewed.type == ev.SUBSCRIPTION_RENEWED
    assert renewed.data == {"cycle": 2, "order_id": 900, "next_renewal_at": "2026-03-31T12:00:00Z"}


def test_each_locations_order_is_its_own_invoice_and_the_cycle_renews_once() -> None:
    # Given a purchase-order subscription delivering to two locations
    sub = _po_subscription()
    orders = [(901, "loc_a", Decimal("12.50")), (902, "loc_b", Decimal("7.50"))]
    # When the cycle's two orders go out unpaid
    invoices = record_invoiced_locations(sub, cycle=2, orders=orders, now=NOW)
    # Then one open invoice and one invoice.issued each, naming its location, and one renewal
    due = CYCLE_2 + timedelta(days=30)
    assert invoices == [
        OpenInvoice(cycle=2, order_id=901, due_at=due),
        OpenInvoice(cycle=2, order_id=902, due_at=due),
    ]
    assert sub.open_invoices == tuple(invoices) and sub.paid_cycles == 2
    events = sub.pull_events()
    assert [e.type for e in events] == [
        ev.INVOICE_ISSUED,
        ev.INVOICE_ISSUED,
        ev.SUBSCRIPTION_RENEWED,
    ]
    assert [(e.data["order_id"], e.data["location_id"], e.data["amount"]) for e in events[:2]] == [
        (901, "loc_a", "12.50"),
        (902, "loc_b", "7.50"),
    ]
    assert events[2].data["order_id"] == 901


def test_a_subscription_without_purchase_order_terms_is_not_invoiced() -> None:
    # Given a card-paid subscription
    sub = subscription()
    sub.pull_events()
    before = copy.deepcopy(sub)
    # When / Then an invoice is refused and nothing changes
    with pytest.raises(DomainError, match="only a purchase-order subscription is invoiced"):
        record_invoiced_locations(sub, cycle=2, orders=[(900, None, Decimal("20"))], now=NOW)
    assert sub == before and sub.pull_events() == []


def test_only_invoices_past_their_due_date_and_not_yet_flagged_are_overdue() -> None:
    # Given two open invoices, the first one flagged already
    sub = _po_subscription()
    first = _invoiced(sub, cycle=2, order_id=900)
    second = _invoiced(sub, cycle=3, order_id=901)
    flag_overdue(sub, first, "keep_renewing", first.due_at)
    # When / Then only the second is overdue once its own due date passes
    assert overdue_invoices(sub, second.due_at - timedelta(seconds=1)) == []
    assert overdue_invoices(sub, second.due_at) == [second]


@pytest.mark.parametrize(
    ("action", "status", "hold"),
    [
        ("keep_renewing", Status.ACTIVE, False),
        ("hold", Status.ACTIVE, True),
        ("pause", Status.PAUSED, False),
    ],
)
def test_an_overdue_invoice_is_flagged_and_the_stores_policy_applies(
    action: str, status: Status, hold: bool
) -> None:
    # Given an open invoice past its due date
    sub = _po_subscription()
    invoice = _invoiced(sub)
    later = invoice.due_at + timedelta(hours=1)
    # When it is flagged under the store's policy
    flag_overdue(sub, invoice, action, later)
    # Then it is flagged once, the policy applies, and invoice.overdue says which
    assert sub.open_invoices == (msgspec.structs.replace(invoice, overdue=True),)
    assert (sub.status, sub.invoice_hold, sub.updated_at) == (status, hold, later)
    events = sub.pull_events()
    assert events[0].type == ev.INVOICE_OVERDUE
    assert events[0].data == {
        "cycle": 2,
        "order_id": 900,
        "due_at": "2026-03-30T12:00:00Z",
        "po_number": "PO-7781",
        "action": action,
    }
    paused = [(e.type, e.data) for e in events[1:]]
    assert paused == (
        [(ev.SUBSCRIPTION_PAUSED, {"reason": "invoice_overdue", "cycle": 3})]
        if action == "pause"
        else []
    )


def test_a_held_subscription_is_not_swept_for_renewal_until_the_hold_ends() -> None:
    # Given an overdue invoice on hold
    sub = _po_subscription()
    invoice = _invoiced(sub)
    flag_overdue(sub, invoice, "hold", invoice.due_at)
    # When / Then nothing makes it due: the renewal waits and the flagged invoice is not watched
    assert sub.due_at() is None


def test_an_invoice_marked_paid_closes_and_the_hold_ends_with_the_last_overdue_one() -> None:
    # Given two overdue invoices holding the subscription
    sub = _po_subscription()
    first, second = _invoiced(sub, 2, 900), _invoiced(sub, 3, 901)
    flag_overdue(sub, first, "hold", second.due_at)
    flag_overdue(sub, second, "hold", second.due_at)
    sub.pull_events()
    later = second.due_at + timedelta(days=1)
    # When the merchant marks the first paid, then the second
    assert record_invoice_paid(sub, 900, 11, later) is True
    held_after_first = sub.invoice_hold
    assert record_invoice_paid(sub, 901, 11, later) is True
    # Then the hold lasts while one is overdue, and each payment is recorded
    assert (held_after_first, sub.invoice_hold, sub.open_invoices) == (True, False, ())
    assert sub.updated_at == later
    assert [(e.type, e.data) for e in sub.pull_events()] == [
        (ev.INVOICE_PAID, {"cycle": 2, "order_id": 900, "status_id": 11, "was_overdue": True}),
        (ev.INVOICE_PAID, {"cycle": 3, "order_id": 901, "status_id": 11, "was_overdue": True}),
    ]


def test_an_order_that_is_no_open_invoice_is_not_recorded_as_paid() -> None:
    # Given an invoice paid already
    sub = _po_subscription()
    _invoiced(sub)
    record_invoice_paid(sub, 900, 11, NOW)
    sub.pull_events()
    before = copy.deepcopy(sub)
    # When the same order, or another one, is marked paid
    # Then nothing is recorded
    assert record_invoice_paid(sub, 900, 11, NOW) is False
    assert record_invoice_paid(sub, 12345, 11, NOW) is False
    assert sub == before and sub.pull_events() == []


def _paused_by_overdue_policy(sub: Subscription, *invoices: OpenInvoice) -> datetime:
    """Flag each invoice overdue under the pause policy, at the last one's due date."""
    at = invoices[-1].due_at
    for invoice in invoices:
        flag_overdue(sub, invoice, "pause", at)
    sub.pull_events()
    return at


def test_paying_the_last_overdue_invoice_resumes_the_pause_the_overdue_policy_made() -> None:
    # Given a subscription the store's policy paused when cycle 2's invoice went overdue
    sub = _po_subscription()
    invoice = _invoiced(sub)
    _paused_by_overdue_policy(sub, invoice)
    assert (sub.status, sub.invoice_paused) == (Status.PAUSED, True)
    # When the company pays it on 15 April, after cycle 3's date (31 March) went by
    paid_at = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
    assert record_invoice_paid(sub, 900, 11, paid_at) is True
    # Then it is active again, cycle 3 skipped (never invoiced), renewing next on 30 April
    assert (sub.status, sub.invoice_paused, sub.next_cycle, sub.paid_cycles) == (
        Status.ACTIVE,
        False,
        4,
        2,
    )
    assert sub.due_at() == datetime(2026, 4, 30, 12, 0, tzinfo=UTC)
    assert [(e.type, e.data) for e in sub.pull_events()] == [
        (ev.INVOICE_PAID, {"cycle": 2, "order_id": 900, "status_id": 11, "was_overdue": True}),
        (
            ev.SUBSCRIPTION_RESUMED,
            {"reason": "invoice_paid", "next_renewal_at": "2026-04-30T12:00:00Z"},
        ),
    ]
    # and the same payment recorded again changes nothing
    assert record_invoice_paid(sub, 900, 11, paid_at) is False
    assert sub.pull_events() == []


def test_paying_before_the_next_cycle_date_resumes_with_that_cycle_still_to_renew() -> None:
    # Given a subscription paused by the overdue policy on cycle 2's invoice
    sub = _po_subscription()
    invoice = _invoiced(sub)
    paused_at = _paused_by_overdue_policy(sub, invoice)
    # When the company pays six hours later, before cycle 3 starts (31 March)
    record_invoice_paid(sub, 900, 11, paused_at + timedelta(hours=6))
    # Then cycle 3 renews (is invoiced) on its own date
    assert (sub.status, sub.next_cycle) == (Status.ACTIVE, 3)
    assert sub.due_at() == datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def test_a_subscription_with_another_invoice_still_overdue_stays_paused_until_it_is_paid() -> None:
    # Given two overdue invoices, the first of which made the policy pause the subscription
    sub = _po_subscription()
    first, second = _invoiced(sub, 2, 900), _invoiced(sub, 3, 901)
    paused_at = _paused_by_overdue_policy(sub, first, second)
    later = paused_at + timedelta(days=1)
    # When the first is paid
    record_invoice_paid(sub, 900, 11, later)
    # Then it stays paused, by the policy still
    assert (sub.status, sub.invoice_paused) == (Status.PAUSED, True)
    assert [e.type for e in sub.pull_events()] == [ev.INVOICE_PAID]
    # When the second is paid too, then it resumes
    record_invoice_paid(sub, 901, 11, later)
    assert sub.status is Status.ACTIVE
    assert [e.type for e in sub.pull_events()] == [ev.INVOICE_PAID, ev.SUBSCRIPTION_RESUMED]


def test_paying_an_invoice_not_yet_due_does_not_resume_while_another_is_overdue() -> None:
    # Given the policy's pause on cycle 2's overdue invoice and cycle 3's invoice not yet due
    sub = _po_subscription()
    first, second = _invoiced(sub, 2, 900), _invoiced(sub, 3, 901)
    paused_at = _paused_by_overdue_policy(sub, first)
    # When the company pays cycle 3's invoice first
    record_invoice_paid(sub, 901, 11, paused_at + timedelta(hours=1))
    # Then the overdue one still keeps it paused
    assert (sub.status, sub.open_invoices) == (
        Status.PAUSED,
        (msgspec.structs.replace(first, overdue=True),),
    )
    assert second not in sub.open_invoices


def _merchant_pause(sub: Subscription, at: datetime) -> None:
    pause(sub, at)


def _dunning_pause(sub: Subscription, at: datetime) -> None:
    give_up(sub, "pause", at)


def _policy_pause_resumed_then_paused_by_the_merchant(sub: Subscription, at: datetime) -> None:
    flag_overdue(sub, sub.open_invoices[0], "pause", at)
    resume(sub, at)
    pause(sub, at)


@pytest.mark.parametrize(
    "pause_first",
    [_merchant_pause, _dunning_pause, _policy_pause_resumed_then_paused_by_the_merchant],
    ids=["merchant_or_shopper", "dunning", "policy_pause_resumed_then_paused_again"],
)
def test_a_pause_not_made_by_the_overdue_policy_stays_when_the_invoice_is_paid(
    pause_first: Callable[[Subscription, datetime], None],
) -> None:
    # Given an overdue invoice on a store that pauses, and a pause someone else made
    sub = _po_subscription()
    invoice = _invoiced(sub)
    pause_first(sub, invoice.due_at)
    flag_overdue(sub, invoice, "pause", invoice.due_at)
    sub.pull_events()
    # When the invoice is paid
    assert record_invoice_paid(sub, 900, 11, invoice.due_at + timedelta(days=1)) is True
    # Then the subscription stays paused, and only the payment is recorded
    assert (sub.status, sub.invoice_paused) == (Status.PAUSED, False)
    assert [e.type for e in sub.pull_events()] == [ev.INVOICE_PAID]


def test_a_subscription_cancelled_while_paused_by_the_policy_stays_cancelled() -> None:
    # Given the policy's pause, then a cancel
    sub = _po_subscription()
    invoice = _invoiced(sub)
    paused_at = _paused_by_overdue_policy(sub, invoice)
    cancel(sub, paused_at)
    sub.pull_events()
    # When the invoice is paid
    record_invoice_paid(sub, 900, 11, paused_at + timedelta(days=1))
    # Then it is still cancelled, and only the payment is recorded
    assert sub.status is Status.CANCELLED
    assert [e.type for e in sub.pull_events()] == [ev.INVOICE_PAID]


def test_a_merchant_resuming_the_policys_pause_ends_it_as_the_policys() -> None:
    # Given the policy's pause
    sub = _po_subscription()
    invoice = _invoiced(sub)
    paused_at = _paused_by_overdue_policy(sub, invoice)
    # When the merchant resumes it by hand before the invoice is paid
    resume(sub, paused_at)
    # Then the resume is theirs, and no longer marks the pause as the policy's
    assert (sub.status, sub.invoice_paused) == (Status.ACTIVE, False)
    [resumed] = sub.pull_events()
    assert resumed.data["reason"] == "requested"
    # and paying afterwards resumes nothing
    assert resume_paid_up(sub, paused_at) is False


def test_a_move_to_another_company_is_recorded_as_an_update_of_the_company() -> None:
    # Given a subscription of one company
    sub = _po_subscription()
    moved = CompanyMembership(company_id=42)
    later = NOW + timedelta(days=1)
    # When B2B Edition says it belongs to another one
    changed = move_to_company(sub, moved, later)
    # Then it moves, and subscription.updated names the company before and after
    assert changed is True and sub.company == moved and sub.updated_at == later
    [updated] = sub.pull_events()
    assert updated.type == ev.SUBSCRIPTION_UPDATED
    assert updated.data == {
        "changes": {
            "company": [
                {"company_id": 41, "parent_company_id": 40},
                {"company_id": 42, "parent_company_id": None},
            ]
        },
        "effective_cycle": 2,
        "next_renewal_at": "2026-02-28T12:00:00Z",
        "next_renewal_total": "20.00",
    }


def test_a_move_out_of_every_company_and_a_move_to_the_same_one() -> None:
    # Given a subscription of one company
    sub = _po_subscription()
    # When it is told its own company again, then no company at all
    same = move_to_company(sub, ACME, NOW)
    left = move_to_company(sub, None, NOW)
    # Then the first changes nothing, the second leaves the company
    assert (same, left, sub.company) == (False, True, None)
    [updated] = sub.pull_events()
    assert updated.data["changes"] == {
        "company": [{"company_id": 41, "parent_company_id": 40}, None]
    }


def test_a_cancelled_subscription_does_not_move() -> None:
    # Given a cancelled company subscription
    sub = _po_subscription()
    cancel(sub, NOW)
    sub.pull_events()
    # When / Then the lifecycle refuses the move and the company stays
    with pytest.raises(InvalidTransition):
        move_to_company(sub, CompanyMembership(company_id=42), NOW)
    assert sub.company == ACME and sub.pull_events() == []
