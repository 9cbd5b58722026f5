"""What an order's refunds cover of what the order debited a grant, in the grant's unit.

A refund names what it gives back: lines by quantity (`PRODUCT`), shipping, handling, wrapping,
fees and tax by amount, and amounts of the order as a whole (`ORDER`). Only what the grant
debited can come back: a count grant counts the matching lines' units, a wallet their money;
shipping, handling, wrapping, fees and tax were never a line's and give back nothing, until
the order is refunded in full and every debit of it comes back whole.

A debit may have taken less than the order asked (`requested_amount`): the grant was short and
the rest was owed. Refunds settle what was owed first, so a debit gives back
`taken - min(taken, requested - covered)`, never more than it took however many refunds follow,
rounded down to the unit (a wallet's cent, a whole count).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from .allotments import AllotmentUnit, OrderDebit
from .record import FieldError, FrozenRecord

CENT = Decimal("0.01")


class RefundItem(FrozenRecord, frozen=True, kw_only=True):
    """One item of a refund: a line's `quantity`, or an `amount` of anything else."""

    item_type: str
    item_id: int
    quantity: int = 0
    amount: Decimal = Decimal(0)
    adjustment: Decimal = Decimal(0)  # what was kept back of the line

    def __post_init__(self) -> None:
        if self.quantity < 0:
            raise FieldError("quantity", "must not be negative")
        if self.amount < 0:
            raise FieldError("amount", "must not be negative")
        if self.adjustment > 0:
            raise FieldError("adjustment", "must not be positive")


class OrderRefund(FrozenRecord, frozen=True, kw_only=True):
    id: int
    total_amount: Decimal = Decimal(0)
    items: tuple[RefundItem, ...] = ()
    declined: bool = False  # a payment of it was declined: nothing of it reached the shopper


class RefundedLine(FrozenRecord, frozen=True, kw_only=True):
    """A line of the refunded order: its id (a refund item's `item_id`), product, quantity and
    unit price with tax (what the debit counted)."""

    id: int
    product_id: int
    quantity: int
    unit_price: Decimal


class DebitTerms(FrozenRecord, frozen=True, kw_only=True):
    """What the grant debited the order by."""

    unit: AllotmentUnit
    order_debit: OrderDebit
    product_ids: tuple[int, ...] = ()


def covered(
    terms: DebitTerms,
    lines: Sequence[RefundedLine],
    order_total: Decimal,
    refunds: Sequence[OrderRefund],
) -> Decimal:
    """What `refunds` together cover of the order's debit of the grant (not yet capped)."""
    wanted = terms.product_ids
    matching = {line.id: line for line in lines if not wanted or line.product_id in wanted}
    refunded = {line_id: 0 for line_id in matching}
    money, orderwide = Decimal(0), Decimal(0)
    for item in (i for r in refunds for i in r.items):
        if item.item_type == "ORDER":
            orderwide += item.amount
        elif item.item_type == "PRODUCT" and item.item_id in matching:
            line = matching[item.item_id]
            quantity = min(item.quantity, line.quantity - refunded[line.id])
            refunded[line.id] += quantity
            money += max(line.unit_price * quantity + item.adjustment, Decimal(0))
    match terms.order_debit:
        case OrderDebit.ITEM_COUNT:
            return Decimal(sum(refunded.values()))
        case OrderDebit.ORDER_COUNT:
            every = all(refunded[i] >= line.quantity for i, line in matching.items())
            return Decimal(1 if matching and every else 0)
        case OrderDebit.ORDER_TOTAL:
            return money + _share(orderwide, list(matching.values()), terms, order_total)
        case _:
            return Decimal(0)


def fully_refunded(order_total: Decimal, refunds: Sequence[OrderRefund]) -> bool:
    """Whether `refunds` leave nothing of the order unrefunded (BigCommerce rounds to cents)."""
    given = sum((r.total_amount for r in refunds), Decimal(0))
    return order_total > 0 and given >= order_total.quantize(CENT)


def given_back(
    unit: AllotmentUnit, taken: Decimal, requested: Decimal, cover: Decimal, *, whole: bool
) -> Decimal:
    """What a debit that took `taken` of `requested` gives back once refunds cover `cover`."""
    if whole:
        return taken
    still_used = min(taken, max(requested - cover, Decimal(0)))
    step = CENT if unit is AllotmentUnit.CURRENCY else Decimal(1)
    return (taken - still_used).quantize(step, ROUND_DOWN)


def dues(
    terms: DebitTerms,
    lines: Sequence[RefundedLine],
    order_total: Decimal,
    debit: tuple[Decimal, Decimal],
    refunds: Sequence[OrderRefund],
) -> list[Decimal]:
    """For each refund, lowest id first: what the debit (`(taken, requested)`) has given back
    in all once that refund and the ones before it are applied."""
    taken, requested = debit
    return [
        given_back(
            terms.unit,
            taken,
            requested,
            covered(terms, lines, order_total, refunds[:n]),
            whole=fully_refunded(order_total, refunds[:n]),
        )
        for n in range(1, len(refunds) + 1)
    ]


def _share(
    amount: Decimal, matching: list[RefundedLine], terms: DebitTerms, order_total: Decimal
) -> Decimal:
    """An order-level amount covers a wallet of the whole order in full; one of some products
    only, their lines' share of the order's total."""
    if not terms.product_ids or amount == 0:
        return amount
    if order_total <= 0:
        return Decimal(0)
    mine = sum((line.unit_price * line.quantity for line in matching), Decimal(0))
    return amount * mine / order_total
