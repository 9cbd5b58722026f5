"""Mid-cycle changes: no proration, the next renewal keeps its date, the new terms apply from it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain.amendments import AddressAmendment, CadenceAmendment, QuantityAmendment
from bc_subscriptions.domain.errors import DomainError, InvalidTransition
from bc_subscriptions.domain.plan import Cadence
from bc_subscriptions.domain.pricing import price_line
from bc_subscriptions.domain.schedule import Interval, shift
from bc_subscriptions.domain.subscription_cancels import cancel
from bc_subscriptions.domain.subscription_pricing import renewal_total
from bc_subscriptions.services.cancel_flow import earliest_cancel_at

from .factories import NOW, line, subscription

cadences = st.builds(
    Cadence,
    label=st.sampled_from(["A", "B"]),
    interval=st.sampled_from(list(Interval)),
    interval_count=st.integers(1, 12),
    discount_percent=st.decimals(0, 50, places=2),
)
prices = st.decimals(Decimal("0.01"), Decimal("999.99"), places=2)


@given(
    price=prices,
    before=st.integers(1, 50),
    after=st.integers(1, 50),
    elapsed_days=st.integers(0, 27),
)
def test_a_quantity_change_prices_the_next_renewal_at_the_new_quantity_on_its_date(
    price: Decimal, before: int, after: int, elapsed_days: int
) -> None:
    # Given a subscription some days into its cycle
    sub = subscription(lines=[line(str(price), before)])
    due = sub.next_renewal_at
    # When the quantity changes
    sub.amend(QuantityAmendment(111, after), NOW + timedelta(days=elapsed_days))
    # Then the renewal date stays, and the renewal total is exactly the new quantity's price
    assert sub.next_renewal_at == due
    expected = price_line(
        111, None, after, price, price, terms=sub.terms, cadence=sub.cadence
    ).total_inc_tax
    assert renewal_total(sub) == expected
    [event] = [e for e in sub.pull_events() if e.type == "subscription.updated"]
    assert event.data["next_renewal_total"] == str(expected)
    assert event.data["effective_cycle"] == sub.next_cycle


@given(new=cadences, skips=st.integers(0, 3), elapsed_days=st.integers(0, 27))
def test_a_cadence_change_keeps_the_next_date_and_spaces_the_following_ones_by_it(
    new: Cadence, skips: int, elapsed_days: int
) -> None:
    # Given a monthly subscription that skipped some cycles
    sub = subscription()
    for _ in range(skips):
        sub.skip_next_cycle(NOW)
    due, cycle = sub.next_renewal_at, sub.next_cycle
    # When the shopper switches cadence mid-cycle
    sub.amend(CadenceAmendment(new), NOW + timedelta(days=elapsed_days))
    # Then the paid cycle runs to its end, and every later cycle follows the new cadence
    assert (sub.next_renewal_at, sub.next_cycle) == (due, cycle)
    for ahead in range(1, 4):
        assert sub.cycle_starts_at(cycle + ahead) == shift(
            due, new.interval, new.interval_count, ahead
        )


@given(commitment=st.integers(0, 12), paid=st.integers(0, 12))
def test_earliest_cancel_date_is_the_start_of_the_last_committed_cycle(
    commitment: int, paid: int
) -> None:
    sub = subscription()
    sub.terms = msgspec.structs.replace(sub.terms, commitment_count=commitment)
    sub.paid_cycles = paid
    earliest = earliest_cancel_at(sub)
    if paid >= commitment:
        assert earliest is None
    else:
        assert earliest == sub.cycle_starts_at(sub.next_cycle + commitment - paid - 1)
        assert earliest >= sub.next_renewal_at


def test_changes_are_refused_once_cancelled_and_for_unknown_products() -> None:
    sub = subscription()
    with pytest.raises(DomainError):
        sub.amend(QuantityAmendment(999, 2), NOW)
    cancel(sub, NOW)
    with pytest.raises(InvalidTransition):
        sub.amend(QuantityAmendment(111, 2), NOW)
    with pytest.raises(InvalidTransition):
        sub.amend(AddressAmendment({"city": "Paris"}), NOW)


def test_an_address_change_keeps_the_fields_not_given() -> None:
    sub = subscription(shipping_address={"city": "Oslo", "shipping_method": "Ground"})
    sub.amend(AddressAmendment({"city": "Paris"}), NOW)
    assert sub.shipping_address == {"city": "Paris", "shipping_method": "Ground"}


def test_a_cadence_change_makes_that_products_lines_name_the_new_cadences_option_value() -> None:
    # Given a subscription whose coffee line was bought with the fortnightly value (id 31)
    coffee = msgspec.structs.replace(
        line(product_id=111), product_options=[{"id": 9, "value": "31"}, {"id": 4, "value": "7"}]
    )
    mug = msgspec.structs.replace(line(product_id=222), product_options=[{"id": 9, "value": "31"}])
    sub = subscription(lines=[coffee, mug])
    weekly = Cadence(label="Weekly", interval=Interval.WEEK, option_value_id=32)
    # When it moves to weekly, whose value in the coffee's cadence modifier (9) is 32
    sub.amend(CadenceAmendment(weekly, (111, 9, 32)), NOW)
    # Then the coffee line names value 32 and keeps its other options; the mug is untouched
    assert sub.lines[0].product_options == [{"id": 4, "value": "7"}, {"id": 9, "value": "32"}]
    assert sub.lines[1].product_options == [{"id": 9, "value": "31"}]
