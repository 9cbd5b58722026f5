"""Each amendment's own refusals are named errors, raised before anything changes."""

from decimal import Decimal

import pytest

from bc_subscriptions.domain.amendments import (
    InvalidQuantity,
    ProductNotSubscribed,
    QuantityAmendment,
    VariantAmendment,
    line_index,
)

from .factories import NOW, line, subscription


def test_a_quantity_below_one_is_refused_as_an_invalid_quantity() -> None:
    # Given a subscription
    sub = subscription()
    # When / Then
    with pytest.raises(InvalidQuantity):
        sub.amend(QuantityAmendment(111, 0), NOW)


@pytest.mark.parametrize(
    "amendment",
    [QuantityAmendment(999, 2), VariantAmendment(999, 6, "X", Decimal("1.00"))],
    ids=["quantity", "variant"],
)
def test_an_amendment_of_a_product_not_subscribed_names_the_product(
    amendment: QuantityAmendment | VariantAmendment,
) -> None:
    # Given a subscription of product 111 only
    sub = subscription()
    # When / Then the amendment of product 999 is refused, naming it
    with pytest.raises(ProductNotSubscribed) as refused:
        sub.amend(amendment, NOW)
    assert refused.value.product_id == 999


def test_the_first_line_of_a_product_is_the_one_amended() -> None:
    # Given two lines of the same product
    sub = subscription(lines=[line("1.00", 1), line("2.00", 5)])
    # When its quantity changes
    sub.amend(QuantityAmendment(111, 3), NOW)
    # Then only the first line changed
    assert (line_index(sub, 111), [li.quantity for li in sub.lines]) == (0, [3, 5])
