"""The `data` of each BigCommerce callback: what the route and the worker take from it."""

from typing import Any

import msgspec
import pytest

from bc_subscriptions.entrypoints.bc_webhook_models import (
    CustomerRef,
    OrderRef,
    RefundData,
    ShipmentData,
    StatusData,
    StoreRef,
    TransactionData,
    read_data,
)


def test_each_callback_s_data_reads_as_bigcommerce_sends_it() -> None:
    # Given / When / Then
    assert read_data(OrderRef, {"type": "order", "id": 250}).id == 250
    assert read_data(ShipmentData, {"type": "shipment", "id": 3, "orderId": 250}).order_id == 250
    status = read_data(
        StatusData,
        {"type": "order", "id": 250, "status": {"previous_status_id": 0, "new_status_id": 11}},
    )
    assert (status.id, status.status.previous_status_id, status.status.new_status_id) == (
        250,
        0,
        11,
    )
    transaction = read_data(
        TransactionData, {"type": "transaction", "order_id": "250", "transaction_id": "t-9"}
    )
    assert (transaction.order, transaction.transaction_id) == (250, "t-9")
    refund = read_data(RefundData, {"type": "order", "id": 250, "refund": {"refund_id": 4}})
    assert (refund.id, refund.refund.refund_id) == (250, 4)
    assert read_data(CustomerRef, {"type": "customer", "id": 32}).id == 32
    assert read_data(StoreRef, {"type": "store", "more": [1]}).type == "store"


@pytest.mark.parametrize(
    ("data", "order_id"),
    [
        ({"orderId": 250}, 250),
        ({"order_id": 250}, 250),  # the member's own name has always been taken too
        ({"orderId": 250, "order_id": "not read"}, 250),
    ],
)
def test_a_shipment_s_order_is_orderid_or_else_order_id(
    data: dict[str, Any], order_id: int
) -> None:
    assert read_data(ShipmentData, {"type": "shipment", "id": 3, **data}).order_id == order_id


@pytest.mark.parametrize(
    "data",
    [{}, {"orderId": "250"}, {"orderId": None, "order_id": 250}, {"order_id": 0}],
    ids=repr,
)
def test_a_shipment_without_a_valid_order_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(msgspec.ValidationError, match=r"orderId|order_id"):
        read_data(ShipmentData, {"type": "shipment", "id": 3, **data})


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (OrderRef, {"type": 1, "id": 250}),
        (OrderRef, {"type": "order", "id": 250.0}),
        (StatusData, {"type": "order", "id": 1, "status": []}),
        (StatusData, {"type": "order", "id": 1, "status": {"previous_status_id": 0}}),
        (
            StatusData,
            {"type": "o", "id": 1, "status": {"previous_status_id": 0, "new_status_id": 256}},
        ),
        (TransactionData, {"type": "t", "order_id": 250, "transaction_id": "t"}),
        (TransactionData, {"type": "t", "order_id": "250\n", "transaction_id": "t"}),
        (TransactionData, {"type": "t", "order_id": "0250", "transaction_id": "t"}),
        (TransactionData, {"type": "t", "order_id": "12345678901", "transaction_id": "t"}),
        (TransactionData, {"type": "t", "order_id": "\u0662", "transaction_id": "t"}),
        (TransactionData, {"type": "t", "order_id": "2", "transaction_id": ""}),
        (TransactionData, {"type": "t", "order_id": "2", "transaction_id": "x" * 65}),
        (RefundData, {"type": "order", "id": 250, "refund": {"refund_id": True}}),
        (CustomerRef, {"type": "customer"}),
        (StoreRef, {}),
    ],
    ids=lambda v: repr(v)[:40],
)
def test_data_out_of_its_callback_s_shape_is_refused(
    model: type[msgspec.Struct], data: dict[str, Any]
) -> None:
    with pytest.raises(msgspec.ValidationError):
        read_data(model, data)
