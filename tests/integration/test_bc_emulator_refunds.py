"""The emulator's order refunds: kept item by item in Orders v3's shape, listed lowest id
first, and refused beyond what is left of a line, the shipping or the order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bc_subscriptions.adapters.bigcommerce.order_refunds import BigCommerceOrderRefunds
from bc_subscriptions.ports.bigcommerce import NotFound
from devstack.bc_emulator.refunds import RefundRefused

from .test_bc_emulator import BEANS, MUG, STORE, Bc


def _order(bc: Bc) -> tuple[int, int, int]:
    """A checkout of 3 beans (12.50) and a mug (8.00) shipped for 4.00: (order, beans, address)."""
    ada = bc.shopper()
    placed = bc.emu.place_checkout_order(
        STORE,
        customer_id=ada.id,
        lines=[{"product_id": BEANS, "quantity": 3}, {"product_id": MUG, "quantity": 1}],
        destinations=[{"shipping_method": "Flat Rate", "cost_ex_tax": 4, "cost_inc_tax": 4}],
    )
    order_id = int(placed["id"])
    store = bc.emu.stores[STORE]
    beans = next(ln["id"] for ln in store.lines[order_id] if ln["product_id"] == BEANS)
    return order_id, int(beans), int(store.shipping[order_id][0]["id"])


def test_an_orders_refunds_are_listed_item_by_item_lowest_id_first() -> None:
    # Given an order refunded one bag of beans, then its shipping and 2.00 of the order
    bc = Bc()
    order_id, beans, address = _order(bc)
    first = bc.emu.refund_order(
        STORE, order_id, [{"item_type": "PRODUCT", "item_id": beans, "quantity": 1}]
    )
    second = bc.emu.refund_order(
        STORE,
        order_id,
        [
            {"item_type": "SHIPPING", "item_id": address, "amount": 4},
            {"item_type": "ORDER", "item_id": order_id, "amount": 2},
        ],
    )
    # When the order's refunds are read through our client
    refunds = BigCommerceOrderRefunds(bc.client.rest).list_order_refunds(STORE, order_id)
    # Then both are there with what each gave back, and the line says one was refunded
    assert [(r.id, r.total_amount) for r in refunds] == [
        (first, Decimal("12.5")),
        (second, Decimal(6)),
    ]
    assert [(i.item_type, i.quantity, i.amount) for i in refunds[1].items] == [
        ("SHIPPING", 0, Decimal(4)),
        ("ORDER", 0, Decimal(2)),
    ]
    [beans_line] = [ln for ln in bc.emu.stores[STORE].lines[order_id] if ln["id"] == beans]
    assert beans_line["quantity_refunded"] == 1
    assert bc.emu.stores[STORE].orders[order_id]["refunded_amount"] == "18.5000"


def test_an_order_without_refunds_lists_none_and_an_unknown_order_is_not_found() -> None:
    # Given an order never refunded
    bc = Bc()
    order_id, _, _ = _order(bc)
    refunds = BigCommerceOrderRefunds(bc.client.rest)
    # When / Then its list is empty, and an order the store does not have is a 404
    assert refunds.list_order_refunds(STORE, order_id) == []
    with pytest.raises(NotFound):
        refunds.list_order_refunds(STORE, 999_999)


@pytest.mark.parametrize(
    "items",
    [
        [{"item_type": "PRODUCT", "item_id": -1, "quantity": 1}],
        [{"item_type": "SHIPPING", "item_id": -2, "amount": 5}],
        [{"item_type": "ORDER", "item_id": -3, "amount": 100}],
        [{"item_type": "FEE", "item_id": -3, "amount": 1}],
        [],
    ],
    ids=["a line's fourth unit", "more shipping", "more than the order", "a fee", "nothing"],
)
def test_a_refund_of_more_than_is_left_is_refused_and_nothing_is_kept(
    items: list[dict[str, object]],
) -> None:
    # Given an order with one bag of beans already refunded
    bc = Bc()
    order_id, beans, address = _order(bc)
    bc.emu.refund_order(
        STORE, order_id, [{"item_type": "PRODUCT", "item_id": beans, "quantity": 1}]
    )
    ids = {-1: beans, -2: address, -3: order_id}
    asked = [{**i, "item_id": ids[int(str(i["item_id"]))]} for i in items]
    if asked and asked[0]["item_type"] == "PRODUCT":
        asked[0]["quantity"] = 3  # two are left
    # When the merchant asks for more than is left
    with pytest.raises(RefundRefused):
        bc.emu.refund_order(STORE, order_id, asked)
    # Then the order still has its one refund
    assert len(bc.emu.stores[STORE].refunds[order_id]) == 1
