"""The body of `POST /v2/orders` from the port's `NewOrder`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from ...ports.bigcommerce import NewOrder


def order_body(order: NewOrder) -> dict[str, Any]:
    """The fields that are set (a None one is left out, so BigCommerce applies its own
    default), order-level money as decimal strings and line prices as numbers, as the
    create-order schema types them."""
    body: dict[str, Any] = msgspec.to_builtins(_set_fields(order))
    for line, sent in zip(order.products, body["products"], strict=True):
        sent["price_ex_tax"] = float(line.price_ex_tax)
        sent["price_inc_tax"] = float(line.price_inc_tax)
    return body


def _set_fields(value: Any) -> Any:
    """Structs as dicts without their None fields, at any depth; a plain dict (a line's
    options) is sent as it is."""
    if isinstance(value, msgspec.Struct):
        fields = ((name, getattr(value, name)) for name in value.__struct_fields__)
        return {name: _set_fields(v) for name, v in fields if v is not None}
    if isinstance(value, list):
        return [_set_fields(v) for v in value]
    return value
