"""The storage port's records around subscriptions: order and customer links, a cached plan,
an ops event, and the pages of subscriptions and overdue renewals the reads return.

Imported through `ports.storage`, which loads each group of records only when it is named.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from ..domain.charge import Charge
    from ..domain.plan import Plan
    from ..domain.subscription import Subscription
    from .store_records import DueSubscription


class OrderLink(msgspec.Struct, frozen=True):
    """Links a BigCommerce order to what we made of it (origin of subscriptions or a renewal)."""

    store_hash: str
    order_id: int
    role: str  # "origin" | "renewal"
    subscription_ids: tuple[str, ...]
    cycle: int | None = None
    # A multi-location renewal: which location's order of the cycle this is.
    location_id: str | None = None


class CustomerLink(msgspec.Struct, frozen=True):
    """A subscription filed under its customer, with the stored instrument it renews with.

    Instruments belong to the customer: a card change finds every subscription to update here.
    """

    store_hash: str
    customer_id: int
    subscription_id: str
    instrument_token: str | None


class CachedPlan(msgspec.Struct, frozen=True):
    """A product's plan as last read from its metafield: none, valid, or invalid (with why)."""

    product_id: int
    plan: Plan | None
    error: str | None
    refreshed_at: datetime | None


class OpsEvent(msgspec.Struct, frozen=True):
    """Something the merchant's operator must look at (not a merchant webhook event)."""

    store_hash: str
    type: str
    data: dict[str, object]
    occurred_at: datetime


class SubscriptionPage(msgspec.Struct, frozen=True):
    """One page of a store's subscriptions; `cursor` reads the next page (None: no more)."""

    subscriptions: list[Subscription]
    cursor: str | None


class OverdueRenewal(msgspec.Struct, frozen=True):
    """A row of the store's due index whose due time has passed, with the subscription and
    the cycle's charge as they are now (no charge: no worker ever claimed the cycle)."""

    due: DueSubscription
    subscription: Subscription
    charge: Charge | None


class OverduePage(msgspec.Struct, frozen=True):
    items: list[OverdueRenewal]
    cursor: str | None
