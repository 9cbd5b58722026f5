"""Refunds of an order, in Orders v3's refund shape, as the merchant makes them.

A refund names what it gives back item by item: `PRODUCT` lines by quantity (the line's price,
tax included), `SHIPPING` by amount against an order address, `ORDER` by an
amount of the order as a whole. BigCommerce refuses a refund of more than is left: a line's
quantity not yet refunded, an address's shipping not yet refunded, the order's total not yet
refunded. Nothing is given back twice; each refund is kept with the order, lowest id first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import clock
from .state import Store, money

# The emulator's orders carry no handling, wrapping or fees, so nothing of those is left to refund.
ITEM_TYPES = frozenset({"PRODUCT", "SHIPPING", "ORDER"})
CENT = Decimal("0.01")


class RefundRefused(ValueError):
    """What BigCommerce's refund quote would refuse with a 422."""


def whole_order(store: Store, order_id: int) -> list[dict[str, Any]]:
    """Every line's quantity and every address's shipping not refunded yet."""
    left = _left(store, order_id)
    items: list[dict[str, Any]] = [
        {"item_type": "PRODUCT", "item_id": line_id, "quantity": qty}
        for line_id, qty in left["PRODUCT"].items()
        if qty > 0
    ]
    items += [
        {"item_type": "SHIPPING", "item_id": address_id, "amount": float(amount)}
        for address_id, amount in left["SHIPPING"].items()
        if amount > 0
    ]
    return items


def make_refund(
    store: Store, order_id: int, items: list[dict[str, Any]], reason: str = ""
) -> dict[str, Any]:
    """Record a refund of `items`; raises RefundRefused for what BigCommerce refuses."""
    order = store.orders[order_id]
    lines = {int(line["id"]): line for line in store.lines[order_id]}
    left = _left(store, order_id)
    total, tax, kept = Decimal(0), Decimal(0), []
    for item in items:
        kind, item_id = item.get("item_type"), item.get("item_id")
        if kind not in ITEM_TYPES or not isinstance(item_id, int):
            raise RefundRefused(f"unsupported refund item {item!r}")
        if kind == "PRODUCT":
            qty = item.get("quantity")
            if item_id not in lines or not isinstance(qty, int) or qty < 1:
                raise RefundRefused(f"invalid product refund {item!r}")
            if qty > left["PRODUCT"][item_id]:
                raise RefundRefused(f"line {item_id} has only {left['PRODUCT'][item_id]} left")
            line = lines[item_id]
            left["PRODUCT"][item_id] -= qty
            total += Decimal(line["price_inc_tax"]) * qty
            tax += (Decimal(line["price_inc_tax"]) - Decimal(line["price_ex_tax"])) * qty
            kept.append({"item_type": kind, "item_id": item_id, "quantity": qty, "reason": ""})
            continue
        amount = Decimal(str(item.get("amount", 0))).quantize(CENT)
        pool = left["ORDER"] if kind == "ORDER" else left["SHIPPING"]
        key = order_id if kind == "ORDER" else item_id
        if amount <= 0 or key not in pool or amount > pool[key]:
            raise RefundRefused(f"{kind} refund of {amount} exceeds what is left")
        pool[key] -= amount
        total += amount
        kept.append(
            {"item_type": kind, "item_id": item_id, "requested_amount": float(amount), "reason": ""}
        )
    total = total.quantize(CENT)
    if not kept or total > _order_left(store, order_id):
        raise RefundRefused("the refund exceeds what is left of the order")
    refund_id = store.take_id("refund_id")
    refund = {
        "id": refund_id,
        "order_id": order_id,
        "user_id": 0,
        "created": clock.now().isoformat(timespec="seconds"),
        "reason": reason,
        "total_amount": float(total),
        "total_tax": float(tax.quantize(CENT)),
        "uses_merchant_override_values": False,
        "items": kept,
        "payments": [
            {
                "id": refund_id,
                "provider_id": "storecredit",
                "amount": float(total),
                "offline": True,
                "is_declined": False,
                "declined_message": "",
            }
        ],
    }
    store.refunds.setdefault(order_id, []).append(refund)
    for line_id, line in lines.items():
        line["quantity_refunded"] = line["quantity"] - left["PRODUCT"][line_id]
    order["refunded_amount"] = money(Decimal(order["total_inc_tax"]) - _order_left(store, order_id))
    return refund


def _refunded(store: Store, order_id: int) -> list[dict[str, Any]]:
    return [i for r in store.refunds.get(order_id, []) for i in r["items"]]


def _order_left(store: Store, order_id: int) -> Decimal:
    refunds = store.refunds.get(order_id, [])
    given = sum((Decimal(str(r["total_amount"])) for r in refunds), Decimal(0))
    return Decimal(store.orders[order_id]["total_inc_tax"]).quantize(CENT) - given


def _left(store: Store, order_id: int) -> dict[str, dict[int, Any]]:
    """What each refundable part of the order still has: line quantities, address shipping,
    and the order as a whole."""
    product = {int(line["id"]): int(line["quantity"]) for line in store.lines[order_id]}
    shipping = {
        int(a["id"]): Decimal(a["cost_inc_tax"]).quantize(CENT) for a in store.shipping[order_id]
    }
    for item in _refunded(store, order_id):
        if item["item_type"] == "PRODUCT":
            product[item["item_id"]] -= item["quantity"]
        elif item["item_type"] == "SHIPPING":
            shipping[item["item_id"]] -= Decimal(str(item["requested_amount"])).quantize(CENT)
    whole = {order_id: _order_left(store, order_id)}
    return {"PRODUCT": product, "SHIPPING": shipping, "ORDER": whole}
