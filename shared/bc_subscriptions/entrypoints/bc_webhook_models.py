"""The `data` of each BigCommerce callback we take; ids are positive 32-bit integers.

A boolean, a string or an id outside BigCommerce's range is refused at the route (400,
nothing written): such a delivery could never be processed, only parked forever. Members not
named here are ignored. msgspec structs rather than pydantic models: the webhook receivers
would otherwise load pydantic at every cold start for these few fields.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import msgspec

BcId = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
StatusId = Annotated[int, msgspec.Meta(ge=0, le=255)]
# `\Z`, not `$`: `$` would also match before a final newline.
OrderIdText = Annotated[str, msgspec.Meta(pattern=r"^[1-9][0-9]{0,9}\Z")]

D = TypeVar("D", bound=msgspec.Struct)


def read_data(model: type[D], data: dict[str, Any]) -> D:
    """`data` as `model`, or `msgspec.ValidationError`: no value is coerced (`"1"` is no id)."""
    return msgspec.convert(data, type=model, strict=True)


class OrderRef(msgspec.Struct, frozen=True, kw_only=True):
    """`data` of order-scoped callbacks: `{"type": "order", "id": 250}`."""

    type: str
    id: BcId


class ShipmentData(msgspec.Struct, frozen=True, kw_only=True):
    """`data` of `store/shipment/created`: `{"type": "shipment", "id", "orderId"}`.

    `order_id` has always been taken too when `orderId` is absent; `orderId` wins when both are.
    """

    type: str
    id: BcId
    sent_order_id: BcId | msgspec.UnsetType = msgspec.field(default=msgspec.UNSET, name="orderId")
    # Read only when `orderId` is absent, so it is checked then, not here.
    named_order_id: Any = msgspec.field(default=msgspec.UNSET, name="order_id")

    def __post_init__(self) -> None:
        if self.sent_order_id is not msgspec.UNSET:
            return
        if self.named_order_id is msgspec.UNSET:
            raise ValueError("Object missing required field `orderId`")
        try:
            order_id = msgspec.convert(self.named_order_id, type=BcId, strict=True)
        except msgspec.ValidationError as exc:
            raise ValueError(f"{exc} - at `$.order_id`") from None
        msgspec.structs.force_setattr(self, "sent_order_id", order_id)

    @property
    def order_id(self) -> int:
        assert isinstance(self.sent_order_id, int)  # __post_init__ settled it
        return self.sent_order_id


class TransactionData(msgspec.Struct, frozen=True, kw_only=True):
    """`data` of `store/order/transaction/created`; BigCommerce sends its ids as strings."""

    type: str
    order_id: OrderIdText
    transaction_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]

    @property
    def order(self) -> int:
        return int(self.order_id)


class StatusIds(msgspec.Struct, frozen=True, kw_only=True):
    previous_status_id: StatusId
    new_status_id: StatusId


class StatusData(msgspec.Struct, frozen=True, kw_only=True):
    """`data` of `store/order/statusUpdated`: `{"type": "order", "id", "status": {...}}`."""

    type: str
    id: BcId
    status: StatusIds


class StoreRef(msgspec.Struct, frozen=True, kw_only=True):
    """`data` of store-scoped callbacks such as `store/app/uninstalled`: `{"type": "store"}`."""

    type: str


class CustomerRef(msgspec.Struct, frozen=True, kw_only=True):
    """`data` of customer-scoped callbacks: `{"type": "customer", "id": 32}`."""

    type: str
    id: BcId


class RefundRef(msgspec.Struct, frozen=True, kw_only=True):
    refund_id: BcId


class RefundData(msgspec.Struct, frozen=True, kw_only=True):
    """`data` of `store/order/refund/created`: `{"type": "order", "id", "refund": {...}}`."""

    type: str
    id: BcId
    refund: RefundRef
