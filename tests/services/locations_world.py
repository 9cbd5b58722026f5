"""A subscription shipping to three delivery locations, for the multi-location service tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bc_subscriptions.services.delivery_locations import add_location
from bc_subscriptions.services.messages import RenewSubscription

from .world import MemoryWorld

CITIES = ("Austin", "Boston", "Chicago")
# Claim, the cycle priced, then per location: priced, order attempted, order created, payment
# attempted, payment captured, completed; then the cycle completed.


def location(city: str, quantity: int = 1) -> dict[str, Any]:
    return {
        "label": f"{city} office",
        "address": {
            "first_name": "Dana",
            "last_name": city,
            "street_1": f"1 {city} Way",
            "city": city,
            "zip": "10001",
            "country_iso2": "US",
            "shipping_method": "Flat Rate",
        },
        "shipping_cost_ex_tax": "5.00",
        "shipping_cost_inc_tax": "5.00",
        "quantities": [quantity],
    }


def three_locations(world: MemoryWorld) -> RenewSubscription:
    """A subscription shipping to three locations, its cycle 2 due."""
    world.subscribe()
    [sub] = world.subscriptions()
    for n, city in enumerate(CITIES, start=1):
        add_location(
            world.store_hash, sub.id, location(city, n), uow=world.uow(), now=world.clock.now()
        )
    world.advance_clock(timedelta(days=31))
    return RenewSubscription(store_hash=world.store_hash, subscription_id=sub.id, cycle=2)


class BeforeNthCall:
    """The real BigCommerce client, which runs `arm` just before the n-th call of `name`."""

    def __init__(self, inner: Any, name: str, nth: int, arm: Callable[[], None]) -> None:
        self._inner, self._name, self._nth, self._arm, self._seen = inner, name, nth, arm, 0

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._inner, name)
        if name != self._name:
            return call

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._seen += 1
            if self._seen == self._nth:
                self._arm()
            return call(*args, **kwargs)

        return counted


class DeclinesOneLocation:
    """The real BigCommerce client, where the card is short of funds for one location's orders
    only (the payment follows the access token bound to the order)."""

    def __init__(self, world: MemoryWorld, location_id: str) -> None:
        self._world, self._inner, self._location = world, world.bc, location_id
        self._order: int | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def create_payment_access_token(self, store_hash: str, order_id: int) -> Any:
        self._order = order_id
        return self._inner.create_payment_access_token(store_hash, order_id)

    def process_stored_payment(self, store_hash: str, *args: Any, **kwargs: Any) -> Any:
        order = self._world.emulator.stores[store_hash].orders[self._order]
        declined = str(order["external_order_id"]).endswith(self._location)
        [sub] = self._world.subscriptions()
        assert sub.payment_method is not None
        token = sub.payment_method.instrument_token
        behavior = "insufficient_funds" if declined else "ok"
        self._world.emulator.set_card_behavior(store_hash, token, behavior)
        try:
            return self._inner.process_stored_payment(store_hash, *args, **kwargs)
        finally:
            self._world.emulator.set_card_behavior(store_hash, token, "ok")
