"""Amendments: what renews changes from the next renewal on (a line's quantity or variant, the
cadence, the shipping address, the contract term).

No proration: the cycle in progress was paid at the old terms and runs to its end; the next
renewal keeps its date. `Subscription.amend` asks the lifecycle, applies one of these and
records `subscription.updated` with what it returns; an amendment's own refusals come first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from .errors import DomainError
from .record import to_json_data

if TYPE_CHECKING:
    from .contract import ContractGuard
    from .plan import Cadence
    from .subscription import Subscription


# Both keep the generic code the API has always answered with; the class names the rule.
class InvalidQuantity(DomainError):
    """A line renews at least one unit."""

    def __init__(self) -> None:
        super().__init__("quantity must be at least 1")


class ProductNotSubscribed(DomainError):
    """The product named is not one of the subscription's lines."""

    def __init__(self, product_id: int) -> None:
        super().__init__(f"product {product_id} is not part of this subscription")
        self.product_id = product_id


class Amendment(Protocol):
    def check(self, sub: Subscription) -> None:
        """Refuse what this amendment cannot do to `sub`, before the lifecycle is asked."""

    def apply(self, sub: Subscription) -> dict[str, Any]:
        """Change `sub`; return the `changes` of its `subscription.updated` event."""


def line_index(sub: Subscription, product_id: int) -> int:
    """The position of the (first) line of `product_id`."""
    for index, line in enumerate(sub.lines):
        if line.product_id == product_id:
            return index
    raise ProductNotSubscribed(product_id)


class QuantityAmendment(msgspec.Struct, frozen=True):
    """The line of `product_id` renews `quantity` units."""

    product_id: int
    quantity: int

    def check(self, sub: Subscription) -> None:
        if self.quantity < 1:
            raise InvalidQuantity()
        line_index(sub, self.product_id)

    def apply(self, sub: Subscription) -> dict[str, Any]:
        index = line_index(sub, self.product_id)
        before = sub.lines[index].quantity
        sub.lines[index] = msgspec.structs.replace(sub.lines[index], quantity=self.quantity)
        return {"product_id": self.product_id, "quantity": [before, self.quantity]}


class VariantAmendment(msgspec.Struct, frozen=True):
    """The line of `product_id` renews another variant at `price_ex_tax` (the catalog's at
    swap time, locked from then on). The tax-inclusive price keeps the line's tax ratio, as
    the catalog's price carries no tax; options chosen for the old variant are dropped."""

    product_id: int
    variant_id: int
    sku: str
    price_ex_tax: Decimal

    def check(self, sub: Subscription) -> None:
        line_index(sub, self.product_id)

    def apply(self, sub: Subscription) -> dict[str, Any]:
        index = line_index(sub, self.product_id)
        before = sub.lines[index]
        ratio = before.price_inc_tax / before.price_ex_tax if before.price_ex_tax else Decimal(1)
        price_inc_tax = (self.price_ex_tax * ratio).quantize(Decimal("0.01"))
        sub.lines[index] = msgspec.structs.replace(
            before,
            variant_id=self.variant_id,
            sku=self.sku,
            price_ex_tax=self.price_ex_tax,
            price_inc_tax=price_inc_tax,
            product_options=[],
        )
        return {
            "product_id": self.product_id,
            "variant_id": [before.variant_id, self.variant_id],
            "price_inc_tax": [str(before.price_inc_tax), str(price_inc_tax)],
        }


class CadenceAmendment(msgspec.Struct, frozen=True):
    """The new cadence counts from the next renewal, whose date does not move.

    `option` is (product id, cadence option id, the new cadence's option value id): that
    product's lines then renew naming the new cadence's value, as a checkout would have."""

    cadence: Cadence
    option: tuple[int, int, int] | None = None

    def check(self, sub: Subscription) -> None:
        return None

    def apply(self, sub: Subscription) -> dict[str, Any]:
        before = sub.cadence.label
        sub.anchor_at, sub.anchor_cycle = sub.next_renewal_at, sub.next_cycle
        sub.cadence = self.cadence
        if self.option is not None:
            product_id, option_id, value_id = self.option
            chosen = {"id": option_id, "value": str(value_id)}
            sub.lines = [
                msgspec.structs.replace(
                    line,
                    product_options=[
                        *(o for o in line.product_options if o.get("id") != option_id),
                        chosen,
                    ],
                )
                if line.product_id == product_id
                else line
                for line in sub.lines
            ]
        return {"cadence": [before, self.cadence.label]}


class AddressAmendment(msgspec.Struct, frozen=True):
    """Renewals ship here; fields not given stay as they were."""

    address: dict[str, str]

    def check(self, sub: Subscription) -> None:
        return None

    def apply(self, sub: Subscription) -> dict[str, Any]:
        sub.shipping_address = {**(sub.shipping_address or {}), **self.address}
        return {"shipping_address": sorted(self.address)}


class ContractAmendment(msgspec.Struct, frozen=True):
    """The merchant sets (or, with None, removes) the subscription's own contract term; its
    cancels are then guarded by it instead of by the store's."""

    contract: ContractGuard | None

    def check(self, sub: Subscription) -> None:
        return None

    def apply(self, sub: Subscription) -> dict[str, Any]:
        before, sub.contract = sub.contract, self.contract
        return {
            "contract": [None if c is None else to_json_data(c) for c in (before, sub.contract)]
        }
