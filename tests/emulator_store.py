"""What every test world does with its store in the emulator: the products it stocks, its
shoppers, their checkouts, and the renewal orders we created there."""

from __future__ import annotations

import itertools
from typing import Any

PRODUCT_ID = 111
ONE_TIME_PRODUCT_ID = 222

_shoppers = itertools.count(1)


class EmulatorStore:
    """Mixed into a world that has `emulator` and `store_hash`."""

    emulator: Any
    store_hash: str

    def shopper(self, card: str | None = "ok") -> Any:
        n = next(_shoppers)
        return self.emulator.add_customer(
            self.store_hash,
            email=f"shopper{n}@example.com",
            first_name="Ada",
            last_name="Lovelace",
            card=card,
        )

    def checkout(
        self, customer: Any, lines: list[dict[str, Any]] | None = None, **kw: Any
    ) -> dict[str, Any]:
        lines = lines or [{"product_id": PRODUCT_ID, "quantity": 2}]
        return dict(
            self.emulator.place_checkout_order(
                self.store_hash, customer_id=customer.id, lines=lines, **kw
            )
        )

    def renewal_orders(self) -> list[dict[str, Any]]:
        return [o for o in self.emulator.orders(self.store_hash) if o.get("external_source")]
