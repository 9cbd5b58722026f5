"""The merchant lists, adds and removes a subscription's delivery locations.

A change is written to the subscription with its event in one transaction and reaches the
next cycle not yet started: a cycle already claimed keeps the locations it was claimed with
(they are copied onto its charges), so the answer says from which cycle the change applies.
A subscription of another store is not found; a change the rules refuse writes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from ..domain import events as ev
from ..domain.lifecycle import Status
from ..domain.locations import (
    DeliveryLocation,
    LocationRuleBroken,
    applies_from_cycle,
    new_location,
    without,
)
from .subscription_admin import SubscriptionNotFound

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.storage import UnitOfWork

_ENDED = frozenset({Status.CANCELLED, Status.EXPIRED})


class Locations(msgspec.Struct, frozen=True):
    locations: list[DeliveryLocation]
    # The first cycle a change made now would reach.
    applies_from_cycle: int


class LocationChange(msgspec.Struct, frozen=True):
    location: DeliveryLocation
    applies_from_cycle: int


def new_location_id() -> str:
    return f"loc_{secrets.token_hex(5)}"


def list_locations(store_hash: str, subscription_id: str, *, uow: UnitOfWork) -> Locations:
    with uow:
        sub = _load(store_hash, subscription_id, uow)
        return Locations(list(sub.delivery_locations), _applies_from(sub, uow))


def add_location(
    store_hash: str,
    subscription_id: str,
    fields: dict[str, Any],
    *,
    uow: UnitOfWork,
    now: datetime,
    new_id: Callable[[], str] = new_location_id,
) -> LocationChange:
    with uow:
        sub = _load(store_hash, subscription_id, uow)
        _still_running(sub)
        if sub.terms.billing_period_count > 1:
            # A prepaid charge paid for the deliveries it covers, to the address it was bought
            # for: a location added meanwhile would ship free until the next charge.
            raise LocationRuleBroken(
                "prepaid_plan", "a prepaid subscription ships to the one address it was paid for"
            )
        location = new_location(
            location_id=new_id(),
            fields=fields,
            existing=sub.delivery_locations,
            line_count=len(sub.lines),
            now=now,
        )
        cycle = _applies_from(sub, uow)
        sub.delivery_locations = [*sub.delivery_locations, location]
        sub.record_payment_action(
            ev.SUBSCRIPTION_LOCATION_ADDED,
            cycle=cycle,
            now=now,
            location_id=location.id,
            label=location.label,
            country_iso2=location.address["country_iso2"],
            shipping_method=location.address["shipping_method"],
            locations=len(sub.delivery_locations),
        )
        uow.subscriptions.save(sub)
        uow.commit()
        return LocationChange(location, cycle)


def remove_location(
    store_hash: str, subscription_id: str, location_id: str, *, uow: UnitOfWork, now: datetime
) -> LocationChange:
    with uow:
        sub = _load(store_hash, subscription_id, uow)
        _still_running(sub)
        kept = without(sub.delivery_locations, location_id)
        [location] = [loc for loc in sub.delivery_locations if loc.id == location_id]
        cycle = _applies_from(sub, uow)
        sub.delivery_locations = kept
        sub.record_payment_action(
            ev.SUBSCRIPTION_LOCATION_REMOVED,
            cycle=cycle,
            now=now,
            location_id=location_id,
            locations=len(kept),
        )
        uow.subscriptions.save(sub)
        uow.commit()
        return LocationChange(location, cycle)


def _load(store_hash: str, subscription_id: str, uow: UnitOfWork) -> Subscription:
    sub = uow.subscriptions.get(store_hash, subscription_id)
    if sub is None:
        raise SubscriptionNotFound(subscription_id)
    return sub


def _still_running(sub: Subscription) -> None:
    if sub.status in _ENDED:
        raise LocationRuleBroken(
            "subscription_ended", f"a {sub.status.value} subscription ships nowhere any more"
        )


def _applies_from(sub: Subscription, uow: UnitOfWork) -> int:
    started = uow.charges.get(sub.store_hash, sub.id, sub.next_cycle) is not None
    return applies_from_cycle(sub.next_cycle, started)
