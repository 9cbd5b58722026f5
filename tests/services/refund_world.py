"""A shopper holding allotment grants, their orders debiting them, and the merchant refunding
those orders in BigCommerce, for the tests of refunds giving back their part of each debit.
BigCommerce's webhooks are stood in for by calling what the worker runs for each."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bc_subscriptions.adapters.bigcommerce.order_refunds import BigCommerceOrderRefunds
from bc_subscriptions.adapters.memory.allotments import MemoryAllotments
from bc_subscriptions.domain.allotments import (
    AllotmentDebit,
    AllotmentGrant,
    AllotmentUnit,
    GrantedBy,
    OrderDebit,
)
from bc_subscriptions.ports.allotment_storage import AllotmentRepository
from bc_subscriptions.services.allotment_orders import debit_from_order
from bc_subscriptions.services.allotments import AllotmentDeps, NewGrant, grant_allotment
from bc_subscriptions.services.refund_reversals import reverse_refunded_debits

from ..emulator_store import ONE_TIME_PRODUCT_ID, PRODUCT_ID
from .world import APP_ID, MemoryWorld

COFFEE, MUG = PRODUCT_ID, ONE_TIME_PRODUCT_ID  # 25.00 and 12.00 a unit
SHIPPING = [{"shipping_method": "Flat Rate", "cost_ex_tax": 5, "cost_inc_tax": 5}]


@dataclass
class RefundWorld:
    world: MemoryWorld
    grants: MemoryAllotments
    customer: Any = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def create(cls) -> RefundWorld:
        world = MemoryWorld.create()
        refund_world = cls(world, MemoryAllotments(world.store))
        refund_world.customer = world.shopper()
        return refund_world

    def deps(self, grants: AllotmentRepository | None = None) -> AllotmentDeps:
        return AllotmentDeps(
            grants=grants or self.grants,
            clock=self.world.clock,
            new_id=lambda prefix: f"{prefix}_{next(self._ids):05d}",
            custom_fields=lambda _: [],  # the store defines no custom fields
        )

    # -- the merchant and the shopper -----------------------------------------------------------
    def grant(
        self,
        unit: AllotmentUnit,
        order_debit: OrderDebit,
        amount: str,
        product_ids: tuple[int, ...] = (),
    ) -> str:
        """The merchant grants the shopper a one-off allotment debited by their orders."""
        request = NewGrant(
            customer_id=int(self.customer.id),
            unit=unit,
            currency_code="USD" if unit is AllotmentUnit.CURRENCY else None,
            amount_per_period=Decimal(amount),
            granted_by=GrantedBy(kind="merchant", id="7"),
            order_debit=order_debit,
            product_ids=product_ids,
        )
        return grant_allotment(self.world.store_hash, request, deps=self.deps(), bc=None).id

    def order(self, lines: dict[int, int], *, shipping: bool = True) -> int:
        """The shopper checks out {product: quantity}; `store/order/created` debits the grants."""
        placed = self.world.checkout(
            self.customer,
            [{"product_id": p, "quantity": q} for p, q in lines.items()],
            **({"destinations": SHIPPING} if shipping else {}),
        )
        order_id = int(placed["id"])
        debit_from_order(
            self.world.store_hash, order_id, bc=self.world.bc, deps=self.deps(), app_id=APP_ID
        )
        return order_id

    def line_id(self, order_id: int, product_id: int) -> int:
        lines = self.world.emulator.stores[self.world.store_hash].lines[order_id]
        return int(next(line["id"] for line in lines if line["product_id"] == product_id))

    def address_id(self, order_id: int) -> int:
        return int(self.world.emulator.stores[self.world.store_hash].shipping[order_id][0]["id"])

    def refund(self, order_id: int, items: list[dict[str, Any]] | None = None) -> int:
        """The merchant refunds `items` (None: what is left of the order) in BigCommerce."""
        return int(self.world.emulator.refund_order(self.world.store_hash, order_id, items))

    def refund_units(self, order_id: int, product_id: int, quantity: int) -> int:
        line = self.line_id(order_id, product_id)
        return self.refund(
            order_id, [{"item_type": "PRODUCT", "item_id": line, "quantity": quantity}]
        )

    # -- the refund webhook ---------------------------------------------------------------------
    def deliver_refund(
        self, order_id: int, refund_id: int, grants: AllotmentRepository | None = None
    ) -> str:
        """What the worker runs for `store/order/refund/created`."""
        return reverse_refunded_debits(
            self.world.store_hash,
            order_id,
            refund_id,
            refunds=BigCommerceOrderRefunds(self.world.bc.rest),
            bc=self.world.bc,
            deps=self.deps(grants),
        )

    # -- what is stored -------------------------------------------------------------------------
    def balance(self, grant_id: str) -> Decimal:
        return self.stored_grant(grant_id).balance

    def stored_grant(self, grant_id: str) -> AllotmentGrant:
        record = self.grants.get(self.world.store_hash, grant_id)
        assert record is not None
        return record.grant

    def debit_of(self, grant_id: str, order_id: int) -> AllotmentDebit:
        debit = self.grants.debit(self.world.store_hash, grant_id, f"ald_order_{order_id}")
        assert debit is not None
        return debit

    def reversals(self) -> list[dict[str, Any]]:
        """The data of every `allotment.debit_reversed` written, in order."""
        return [
            json.loads(e.envelope)["data"]
            for e in self.world.store.events(self.world.store_hash)
            if e.grant_id is not None and e.type == "allotment.debit_reversed"
        ]
