"""A subscription moved to where B2B Edition says its buyer's company is now: another company,
or the same one under another parent. The company index moves with the record."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ..domain.subscription_company import move_to_company
from .enrollment import EnrollmentRefused
from .subscription_admin import SubscriptionNotFound

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.clock import Clock
    from ..ports.storage import UnitOfWork
    from .company_directory import CompanyDirectory


def refresh_company(
    store_hash: str,
    subscription_id: str,
    *,
    uow: UnitOfWork,
    directory: CompanyDirectory,
    clock: Clock,
) -> Subscription:
    """Read the buyer's company afresh and move the subscription there if it changed."""
    with uow:
        settings = uow.tenant_configs.get(store_hash).b2b
        sub = uow.subscriptions.get(store_hash, subscription_id)
        if sub is None:
            raise SubscriptionNotFound(subscription_id)
        if settings is None:
            raise EnrollmentRefused("b2b_not_enabled", "the store is not set up for B2B Edition")
        # The point of the call is B2B Edition's answer now, not the cached one.
        directory.refresh(store_hash)
        cache = timedelta(minutes=settings.company_cache_minutes)
        company = directory.membership(store_hash, sub.customer_id, cache)
        if move_to_company(sub, company, clock.now()):
            uow.subscriptions.save(sub)
            uow.commit()
        return sub
