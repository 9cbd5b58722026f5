"""The calling shopper's place in their company, read once per portal request.

Only on a store with B2B Edition configured (`TenantConfig.b2b`); elsewhere nobody has a seat
and nothing is asked of B2B Edition. The buyer record is the company directory's, cached for
the store's `company_cache_minutes`.
"""

from __future__ import annotations

from datetime import timedelta

from ..domain.company_access import CompanySeat, current_seat, seat_of, seated
from ..domain.subscription import Subscription
from ..ports.company_index import CompanySubscriptions
from ..ports.storage import UnitOfWork
from .company_directory import CompanyDirectory


def seat_caller(
    uow: UnitOfWork, companies: CompanyDirectory, store_hash: str, customer_id: int
) -> CompanySeat | None:
    """Read the shopper's seat and make it the request's (None: they buy for no company)."""
    settings = uow.tenant_configs.get(store_hash).b2b
    seat = None
    if settings is not None:
        ttl = timedelta(minutes=settings.company_cache_minutes)
        buyer = companies.buyer(store_hash, customer_id, ttl)
        if buyer is not None:
            seat = seat_of(customer_id, buyer.company_id, buyer.role)
    seated(seat)
    return seat


def company_extras(
    listed: list[Subscription], store_hash: str, index: CompanySubscriptions
) -> list[Subscription]:
    """The seated caller's company subscriptions not already `listed`, read from the company
    index (never a scan); none without a seat. They come whole, beside the first page of the
    caller's own: a company's subscriptions are few enough for one answer."""
    seat = current_seat()
    if seat is None:
        return []
    seen = {s.id for s in listed}
    return [s for s in index.of_company(store_hash, seat.company_id) if s.id not in seen]
