"""Renewal pricing: locked price, cadence discount, volume tiers; cents rounded half-up."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain.plan import Cadence, PlanTerms, Tier
from bc_subscriptions.domain.pricing import CENT, order_total, price_line, tier_percent
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription_pricing import renewal_lines, renewal_total

from .factories import line, subscription

prices = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("9999.99"), places=2)
percents = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
quantities = st.integers(min_value=1, max_value=500)
TIERS = PlanTerms(
    tiers=(
        Tier(min_quantity=3, discount_percent=Decimal("5")),
        Tier(min_quantity=10, discount_percent=Decimal("10")),
    )
)


def _cadence(percent: Decimal) -> Cadence:
    return Cadence(label="Monthly", interval=Interval.MONTH, discount_percent=percent)


def test_a_cadence_discount_and_a_tier_compound_and_round_half_up() -> None:
    # Given 19.99 x 10 with 10% cadence and the 10-unit tier (10%)
    priced = price_line(
        111,
        None,
        10,
        Decimal("19.99"),
        Decimal("19.99"),
        terms=TIERS,
        cadence=_cadence(Decimal("10")),
    )
    # When / Then 19.99 x 0.9 x 0.9 = 16.1919 -> 16.19 a unit
    assert priced.unit_inc_tax == Decimal("16.19")
    assert priced.total_inc_tax == Decimal("161.90")


def test_the_highest_tier_reached_applies() -> None:
    # Given / When / Then
    assert [tier_percent(TIERS, q) for q in (1, 2, 3, 9, 10, 500)] == [
        Decimal("0"),
        Decimal("0"),
        Decimal("5"),
        Decimal("5"),
        Decimal("10"),
        Decimal("10"),
    ]


@given(price=prices, quantity=quantities)
def test_without_discounts_the_locked_price_is_charged_exactly(
    price: Decimal, quantity: int
) -> None:
    # Given / When
    priced = price_line(
        1, None, quantity, price, price, terms=PlanTerms(), cadence=_cadence(Decimal("0"))
    )
    # Then
    assert priced.unit_inc_tax == price and priced.total_inc_tax == price * quantity


@given(price=prices, quantity=quantities, cadence=percents)
def test_a_discounted_price_is_whole_cents_within_half_a_cent_of_exact(
    price: Decimal, quantity: int, cadence: Decimal
) -> None:
    # Given / When
    priced = price_line(1, None, quantity, price, price, terms=TIERS, cadence=_cadence(cadence))
    exact = price * (1 - cadence / 100) * (1 - tier_percent(TIERS, quantity) / 100)
    # Then
    assert priced.unit_inc_tax == priced.unit_inc_tax.quantize(CENT)
    assert abs(priced.unit_inc_tax - exact) <= Decimal("0.005")
    assert Decimal("0") <= priced.unit_inc_tax <= price


@given(price=prices, cadence=percents, q=quantities)
def test_buying_more_never_raises_the_unit_price(price: Decimal, cadence: Decimal, q: int) -> None:
    # Given / When
    def unit(n: int) -> Decimal:
        return price_line(
            1, None, n, price, price, terms=TIERS, cadence=_cadence(cadence)
        ).unit_inc_tax

    # Then
    assert unit(q + 1) <= unit(q)


@given(lines=st.lists(st.tuples(prices, quantities), min_size=1, max_size=5))
def test_the_charged_total_is_the_sum_of_the_order_lines_bigcommerce_sees(
    lines: list[tuple[Decimal, int]],
) -> None:
    # Given a subscription with several locked lines and a 15% cadence discount
    sub = subscription(
        lines=[line(str(p), q, product_id=i + 1) for i, (p, q) in enumerate(lines)],
        cadence=_cadence(Decimal("15")),
        terms=TIERS,
    )
    # When
    priced = renewal_lines(sub)
    # Then
    assert renewal_total(sub) == order_total(priced)
    assert renewal_total(sub) == sum((p.unit_inc_tax * p.quantity for p in priced), Decimal(0))
