"""The calling shopper's place in their company, read once per portal request.

Only on a store with B2B Edition configured (`TenantConfig.b2b`); elsewhere nobody has a seat
and nothing is asked of B2B Edition. The buyer record is the company directory's, cached for
the store's `company_cache_minutes`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ..domain.company_access import CompanySeat, seat_of, seated

if TYPE_CHECKING:
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
