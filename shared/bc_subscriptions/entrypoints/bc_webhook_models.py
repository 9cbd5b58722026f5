"""The `data` of each BigCommerce callback we take; ids are positive 32-bit integers.

A boolean, a string or an id outside BigCommerce's range is refused at the route (400,
nothing written): such a delivery could never be processed, only parked forever.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt

BcId = Annotated[StrictInt, Field(ge=1, le=2**31 - 1)]
StatusId = Annotated[StrictInt, Field(ge=0, le=255)]


class _Data(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class OrderRef(_Data):
    """`data` of order-scoped callbacks: `{"type": "order", "id": 250}`."""

    type: str
    id: BcId


class ShipmentData(_Data):
    """`data` of `store/shipment/created`: `{"type": "shipment", "id", "orderId"}`."""

    type: str
    id: BcId
    order_id: BcId = Field(alias="orderId")


class TransactionData(_Data):
    """`data` of `store/order/transaction/created`; BigCommerce sends its ids as strings."""

    type: str
    order_id: Annotated[str, Field(pattern=r"^[1-9][0-9]{0,9}$")]
    transaction_id: Annotated[str, Field(min_length=1, max_length=64)]

    @property
    def order(self) -> int:
        return int(self.order_id)


class StatusIds(_Data):
    previous_status_id: StatusId
    new_status_id: StatusId


class StatusData(_Data):
    """`data` of `store/order/statusUpdated`: `{"type": "order", "id", "status": {...}}`."""

    type: str
    id: BcId
    status: StatusIds


class StoreRef(_Data):
    """`data` of store-scoped callbacks such as `store/app/uninstalled`: `{"type": "store"}`."""

    type: str


class CustomerRef(_Data):
    """`data` of customer-scoped callbacks: `{"type": "customer", "id": 32}`."""

    type: str
    id: BcId


class RefundRef(_Data):
    refund_id: BcId


class RefundData(_Data):
    """`data` of `store/order/refund/created`: `{"type": "order", "id", "refund": {...}}`."""

    type: str
    id: BcId
    refund: RefundRef
