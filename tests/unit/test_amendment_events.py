"""The exact events, state and refusals of each amendment (quantity, variant, cadence, shipping
address, contract), pinned so that moving them out of the aggregate cannot change them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bc_subscriptions.domain.amendments import (
    AddressAmendment,
    CadenceAmendment,
    ContractAmendment,
    QuantityAmendment,
    VariantAmendment,
)
from bc_subscriptions.domain.contract import ContractGuard
from bc_subscriptions.domain.errors import DomainError, InvalidTransition
from bc_subscriptions.domain.plan import Cadence
from bc_subscriptions.domain.record import from_data, to_data
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription import LockedLine, Subscription
from bc_subscriptions.domain.subscription_cancels import cancel

from .factories import NOW, line, subscription

LATER = NOW + timedelta(days=5)
WEEKLY = Cadence(label="Weekly", interval=Interval.WEEK, interval_count=1)


def _fresh(sub_id: str, **fields: Any) -> Subscription:
    sub = subscription(id=sub_id, **fields)
    sub.pull_events()
    return sub


def _updated(sub: Subscription) -> tuple[str, dict[str, Any]]:
    [event] = sub.pull_events()
    assert event.type == "subscription.updated"
    return event.id, event.data


def test_a_quantity_change_records_before_and_after_and_the_next_total() -> None:
    # Given a subscription of two products
    sub = _fresh("sub_q1", lines=[line("20.00", 1), line("5.00", 2, product_id=222)])
    # When the second product's quantity goes to 4
    sub.amend(QuantityAmendment(222, 4), LATER)
    # Then only that line changed, and the event says so with the next renewal's total
    assert [(li.product_id, li.quantity) for li in sub.lines] == [(111, 1), (222, 4)]
    assert _updated(sub) == (
        "evt_sub_q1_000002",
        {
            "changes": {"product_id": 222, "quantity": [2, 4]},
            "effective_cycle": 2,
            "next_renewal_at": "2026-02-28T12:00:00Z",
            "next_renewal_total": "40.00",
        },
    )
    assert sub.updated_at == LATER


@pytest.mark.parametrize(
    ("product_id", "quantity", "message"),
    [
        (111, 0, "quantity must be at least 1"),
        (999, 2, "product 999 is not part of this subscription"),
    ],
)
def test_a_quantity_change_is_refused_for_a_bad_quantity_or_an_unknown_product(
    product_id: int, quantity: int, message: str
) -> None:
    # Given a subscription
    sub = _fresh("sub_q2")
    # When / Then the change is refused with its reason, under the generic code
    with pytest.raises(DomainError) as refused:
        sub.amend(QuantityAmendment(product_id, quantity), LATER)
    assert (str(refused.value), refused.value.code) == (message, "domain_error")
    assert (sub.lines[0].quantity, sub.pull_events(), sub.updated_at) == (1, [], NOW)


def test_a_bad_quantity_is_refused_before_the_lifecycle_is_asked() -> None:
    # Given a cancelled subscription
    sub = _fresh("sub_q3")
    cancel(sub, NOW)
    # When / Then a zero quantity is refused for the quantity, not for the state
    with pytest.raises(DomainError) as refused:
        sub.amend(QuantityAmendment(111, 0), LATER)
    assert not isinstance(refused.value, InvalidTransition)


def test_a_variant_swap_locks_the_new_price_at_the_line_tax_ratio() -> None:
    # Given a line priced 20.00 ex tax, 24.00 inc tax, with a chosen option
    bought = LockedLine(
        product_id=111,
        variant_id=5,
        sku="OLD",
        quantity=2,
        price_ex_tax=Decimal("20.00"),
        price_inc_tax=Decimal("24.00"),
        product_options=[{"id": 9, "value": "31"}],
    )
    sub = _fresh("sub_v1", lines=[bought])
    # When the variant is swapped for one at 12.34 ex tax
    sub.amend(VariantAmendment(111, 6, "NEW", Decimal("12.34")), LATER)
    # Then the line renews the new variant at 14.81 inc tax (the 1.2 ratio), options dropped
    assert to_data(sub.lines[0]) == {
        "product_id": 111,
        "variant_id": 6,
        "name": "",
        "sku": "NEW",
        "quantity": 2,
        "price_ex_tax": Decimal("12.34"),
        "price_inc_tax": Decimal("14.81"),
        "product_options": [],
    }
    assert _updated(sub) == (
        "evt_sub_v1_000002",
        {
            "changes": {
                "product_id": 111,
                "variant_id": [5, 6],
                "price_inc_tax": ["24.00", "14.81"],
            },
            "effective_cycle": 2,
            "next_renewal_at": "2026-02-28T12:00:00Z",
            "next_renewal_total": "29.62",
        },
    )


def test_a_variant_swap_of_a_free_line_keeps_the_price_without_tax() -> None:
    # Given a line bought at zero
    sub = _fresh("sub_v2", lines=[line("0.00")])
    # When it is swapped for a priced variant
    sub.amend(VariantAmendment(111, 6, "NEW", Decimal("3.00")), LATER)
    # Then the tax-inclusive price is the catalog price (ratio 1)
    assert sub.lines[0].price_inc_tax == Decimal("3.00")


def test_a_variant_swap_of_an_unknown_product_is_refused() -> None:
    # Given a subscription
    sub = _fresh("sub_v3")
    # When / Then
    with pytest.raises(DomainError) as refused:
        sub.amend(VariantAmendment(999, 6, "X", Decimal("1.00")), LATER)
    assert (str(refused.value), refused.value.code) == (
        "product 999 is not part of this subscription",
        "domain_error",
    )
    assert sub.pull_events() == []


def test_a_cadence_change_reanchors_at_the_next_renewal_and_names_the_option() -> None:
    # Given a monthly subscription of two products, one with a cadence option chosen
    first = LockedLine(
        product_id=111,
        quantity=1,
        price_ex_tax=Decimal("20.00"),
        price_inc_tax=Decimal("20.00"),
        product_options=[{"id": 9, "value": "31"}, {"id": 4, "value": "7"}],
    )
    sub = _fresh("sub_k1", lines=[first, line("5.00", product_id=222)])
    # When it changes to weekly, naming option value 32 of option 9 on product 111
    sub.amend(CadenceAmendment(WEEKLY, (111, 9, 32)), LATER)
    # Then the next renewal keeps its date, the following come weekly from it
    assert (sub.anchor_at, sub.anchor_cycle, sub.cadence) == (
        datetime(2026, 2, 28, 12, 0, tzinfo=UTC),
        2,
        WEEKLY,
    )
    assert sub.cycle_starts_at(3) == datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    # And product 111 names the new value last, keeping its other option; 222 is untouched
    assert [li.product_options for li in sub.lines] == [
        [{"id": 4, "value": "7"}, {"id": 9, "value": "32"}],
        [],
    ]
    assert _updated(sub) == (
        "evt_sub_k1_000002",
        {
            "changes": {"cadence": ["Monthly", "Weekly"]},
            "effective_cycle": 2,
            "next_renewal_at": "2026-02-28T12:00:00Z",
            "next_renewal_total": "25.00",
        },
    )


def test_a_shipping_address_change_merges_and_names_the_fields_given() -> None:
    # Given a subscription shipping to Lyon
    sub = _fresh("sub_a1", shipping_address={"city": "Lyon", "zip": "69001", "street_1": "x"})
    # When the city and zip change
    sub.amend(AddressAmendment({"zip": "75001", "city": "Paris"}), LATER)
    # Then the other fields stay, and the event lists the changed fields sorted
    assert sub.shipping_address == {"city": "Paris", "zip": "75001", "street_1": "x"}
    assert _updated(sub) == (
        "evt_sub_a1_000002",
        {
            "changes": {"shipping_address": ["city", "zip"]},
            "effective_cycle": 2,
            "next_renewal_at": "2026-02-28T12:00:00Z",
            "next_renewal_total": "20.00",
        },
    )


def test_a_contract_set_then_removed_records_both_terms() -> None:
    # Given a subscription without its own contract term
    sub = _fresh("sub_t1")
    term = from_data(
        ContractGuard,
        {"term_end_at": "2026-12-31T00:00:00Z", "notice_period_days": 30, "mode": "route"},
    )
    # When a term is set, then removed
    sub.amend(ContractAmendment(term), LATER)
    set_event = _updated(sub)
    sub.amend(ContractAmendment(None), LATER)
    removed_event = _updated(sub)
    # Then each event carries the term before and after, as JSON
    dumped = {"term_end_at": "2026-12-31T00:00:00Z", "notice_period_days": 30, "mode": "route"}
    assert set_event == (
        "evt_sub_t1_000002",
        {
            "changes": {"contract": [None, dumped]},
            "effective_cycle": 2,
            "next_renewal_at": "2026-02-28T12:00:00Z",
            "next_renewal_total": "20.00",
        },
    )
    assert removed_event[0] == "evt_sub_t1_000003"
    assert removed_event[1]["changes"] == {"contract": [dumped, None]}
    assert sub.contract is None


@pytest.mark.parametrize(
    "amend",
    [
        lambda sub: sub.amend(QuantityAmendment(111, 2), LATER),
        lambda sub: sub.amend(VariantAmendment(111, 6, "X", Decimal("1.00")), LATER),
        lambda sub: sub.amend(CadenceAmendment(WEEKLY), LATER),
        lambda sub: sub.amend(AddressAmendment({"city": "Paris"}), LATER),
        lambda sub: sub.amend(ContractAmendment(None), LATER),
    ],
    ids=["quantity", "variant", "cadence", "address", "contract"],
)
def test_a_cancelled_subscription_refuses_every_amendment_and_stays_as_it_was(
    amend: Any,
) -> None:
    # Given a cancelled subscription
    sub = _fresh("sub_x1")
    cancel(sub, NOW)
    sub.pull_events()
    before = to_data(sub)
    # When / Then the amendment is refused by the lifecycle, nothing changed or recorded
    with pytest.raises(InvalidTransition):
        amend(sub)
    assert (to_data(sub), sub.pull_events()) == (before, [])
