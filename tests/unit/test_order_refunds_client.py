"""The order-refunds adapter over httpx.MockTransport: BigCommerce's refund items as the refund
arithmetic reads them."""

from __future__ import annotations

from decimal import Decimal

import httpx

from bc_subscriptions.adapters.bigcommerce.order_refunds import BigCommerceOrderRefunds
from bc_subscriptions.domain.refund_coverage import RefundItem

from .test_bigcommerce_client import Script


def test_an_orders_refunds_are_read_lowest_id_first_with_each_items_quantity_or_amount() -> None:
    # Given BigCommerce listing two refunds of order 180, the later first, with a line (its
    # requested_amount set, as the single-refund read may), shipping as a string and an
    # order-level amount as a number
    body = {
        "data": [
            {
                "id": 13,
                "order_id": 180,
                "total_amount": 10,
                "items": [{"item_type": "ORDER", "item_id": 180, "requested_amount": 10}],
            },
            {
                "id": 12,
                "order_id": 180,
                "total_amount": 45.5,
                "items": [
                    {
                        "item_type": "PRODUCT",
                        "item_id": 87,
                        "quantity": 2,
                        "requested_amount": "40.00",
                        "adjustments": [{"amount": -4.5}],
                    },
                    {"item_type": "SHIPPING", "item_id": 5, "requested_amount": "10.00"},
                ],
            },
        ],
        "meta": {},
    }
    script = Script(httpx.Response(200, json=body))
    refunds = BigCommerceOrderRefunds(script.client().rest)
    # When the order's refunds are read
    found = refunds.list_order_refunds("store1", 180)
    # Then they come lowest id first; a line counts by quantity, less what was kept back
    assert script.requests[0].url.path == "/stores/store1/v3/orders/180/payment_actions/refunds"
    assert [(r.id, r.total_amount) for r in found] == [(12, Decimal("45.5")), (13, Decimal(10))]
    assert found[0].items == (
        RefundItem(item_type="PRODUCT", item_id=87, quantity=2, adjustment=Decimal("-4.5")),
        RefundItem(item_type="SHIPPING", item_id=5, amount=Decimal("10.00")),
    )
    assert found[1].items == (RefundItem(item_type="ORDER", item_id=180, amount=Decimal(10)),)


def test_a_refund_with_a_payment_the_provider_declined_reads_as_declined() -> None:
    # Given BigCommerce listing a refund paid in full, and one with one of its payments declined
    def refund(refund_id: int, declined: list[bool]) -> dict[str, object]:
        payments = [
            {"id": n, "provider_id": "storecredit", "amount": 5, "is_declined": d}
            for n, d in enumerate(declined)
        ]
        items = [{"item_type": "ORDER", "item_id": 180, "requested_amount": 10}]
        return {
            "id": refund_id,
            "order_id": 180,
            "total_amount": 10,
            "items": items,
            "payments": payments,
        }

    body = {"data": [refund(12, [False]), refund(13, [False, True])], "meta": {}}
    script = Script(httpx.Response(200, json=body))
    # When the order's refunds are read
    found = BigCommerceOrderRefunds(script.client().rest).list_order_refunds("store1", 180)
    # Then only the second reads as declined
    assert [(r.id, r.declined) for r in found] == [(12, False), (13, True)]
