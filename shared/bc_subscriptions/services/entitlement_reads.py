"""What a subscription grants, as the merchant sees it: its entitlements and the holder's group."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

from ..domain.entitlement_moves import current_holder
from ..domain.entitlements import Entitlement, GroupLedger, entitlement_holder
from .subscription_admin import SubscriptionNotFound

if TYPE_CHECKING:
    from ..ports.entitlements import EntitlementRepository
    from ..ports.storage import UnitOfWork


class SubscriptionEntitlements(msgspec.Struct, frozen=True):
    subscription_id: str
    holder_customer_id: int
    entitlements: list[Entitlement]
    ledger: GroupLedger | None


def subscription_entitlements(
    store_hash: str,
    subscription_id: str,
    *,
    uow: UnitOfWork,
    repo: Callable[[UnitOfWork], EntitlementRepository],
) -> SubscriptionEntitlements:
    """The subscription's entitlements (none before its first event was followed); another
    store's subscription is not found."""
    with uow:
        sub = uow.subscriptions.get(store_hash, subscription_id)
        if sub is None:
            raise SubscriptionNotFound(subscription_id)
        entitlements = repo(uow)
        held = entitlements.for_subscription(store_hash, sub.id)
        held_by = current_holder(held)
        holder = entitlement_holder(sub) if held_by is None else held_by
        return SubscriptionEntitlements(
            sub.id, holder, held, entitlements.ledger(store_hash, holder)
        )
