"""A store with a plan, a shopper with a stored card, and a merchant endpoint: test scenery."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import boto3

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval
from devstack.stack import LocalStack

from ..emulator_store import ONE_TIME_PRODUCT_ID, PRODUCT_ID, EmulatorStore

_stores = itertools.count(1)
PRICE = Decimal("25.00")


@dataclass
class World(EmulatorStore):
    stack: LocalStack
    store_hash: str

    @classmethod
    def create(cls, stack: LocalStack, *, gateway_mode: str = "purchase") -> World:
        store_hash = f"store{next(_stores)}"
        stack.install_store(store_hash, gateway_mode=gateway_mode)
        stack.add_product(store_hash, PRODUCT_ID, "Coffee beans", str(PRICE))
        stack.add_product(store_hash, ONE_TIME_PRODUCT_ID, "Mug", "12.00")
        stack.put_plan(
            store_hash,
            Plan(
                product_id=PRODUCT_ID, cadences=[Cadence(label="Monthly", interval=Interval.MONTH)]
            ),
        )
        stack.register_endpoint(store_hash)
        return cls(stack, store_hash)

    @property
    def emulator(self) -> Any:
        return self.stack.emulator

    def subscribe(self, card: str | None = "ok") -> tuple[Any, dict[str, Any]]:
        """A shopper buys the subscription product; BigCommerce's webhook is delivered."""
        customer = self.shopper(card)
        order = self.checkout(customer)
        self.stack.pump()
        return customer, order

    def renew(self, months: int = 1) -> None:
        self.stack.advance_clock(timedelta(days=31 * months))
        self.stack.fire("RenewalSweepFunction")
        self.stack.pump()

    def items(self, prefix: str = "SUB#") -> list[dict[str, Any]]:
        table = boto3.resource("dynamodb").Table(self.stack.physical["SubscriptionsTable"])
        items: list[dict[str, Any]] = table.scan()["Items"]
        return [i for i in items if str(i["pk"]).startswith(prefix)]

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [
            i
            for i in self.items("")
            if i["kind"] == kind and i.get("store_hash") == self.store_hash
        ]

    def event_types(self) -> list[str]:
        return [
            str(i["type"]) for i in sorted(self.of_kind("event"), key=lambda i: (i["pk"], i["sk"]))
        ]
