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
