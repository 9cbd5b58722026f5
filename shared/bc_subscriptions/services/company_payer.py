"""A company admin hands the paying of a company subscription to another of its buyers.

The same change as the merchant's payer replacement (`subscription_actors.change_payer`: the old
payer's card is dropped and the next renewal asks the new payer for one), limited to an admin
of the subscription's own company and to a new payer B2B Edition says buys for that company.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..domain.actors import acting, customers_of
from ..domain.company_access import ensure_company_admin, ensure_payer_in_company
from ..domain.subscription_actors import change_payer
from ..ports.storage import CustomerLink, UnitOfWork
from .subscription_admin import owned_by_caller

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from .commands import Caller
    from .company_directory import CompanyDirectory


def reassign_payer(
    caller: Caller,
    subscription_id: str,
    customer_id: int,
    *,
    uow_factory: Callable[[], UnitOfWork],
    companies: CompanyDirectory,
    now: datetime,
) -> Subscription:
    """Refused, nothing written: not reached (404), not the company's admin, a new payer of
    another company (or of none), or already the payer."""
    assert caller.customer_id is not None  # the portal's caller is always a shopper
    with uow_factory() as uow:
        sub = owned_by_caller(uow, caller.store_hash, subscription_id, caller.customer_id)
        ensure_company_admin(sub, caller.customer_id, "reassign the payer")
        settings = uow.tenant_configs.get(caller.store_hash).b2b
        minutes = settings.company_cache_minutes if settings else 1
        buyer = companies.buyer(caller.store_hash, customer_id, timedelta(minutes=minutes))
        ensure_payer_in_company(sub, None if buyer is None else buyer.company_id)
        linked = customers_of(sub.actors_in_force())
        with acting(caller.event_actor):
            change_payer(sub, customer_id, now)
        uow.subscriptions.save(sub)
        if customer_id not in linked:
            uow.customer_links.add(CustomerLink(caller.store_hash, customer_id, sub.id, None))
        uow.commit()
    return sub
