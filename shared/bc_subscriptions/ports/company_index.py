"""The company index: a store's subscriptions filed under each company, read without a scan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from .storage import SubscriptionPage


def company_link_sk(company_id: int, subscription_id: str = "") -> str:
    """The sort key (in the store's partition) filing a subscription under its company."""
    return f"COMPANY#{company_id:012d}#SUB#{subscription_id}"


def belongs(sub: Subscription | None, company_id: int) -> bool:
    """The record is the truth: a link left behind by a move to another company is stale."""
    return sub is not None and sub.company is not None and sub.company.company_id == company_id


def needs_link(sub: Subscription, filed_under: int | None) -> int | None:
    """The company to file `sub` under now (None: it is filed where it belongs already)."""
    company = sub.company.company_id if sub.company else None
    return company if company is not None and company != filed_under else None


class CompanySubscriptions(Protocol):
    def of_company(self, store_hash: str, company_id: int) -> list[Subscription]:
        """The company's subscriptions (its own, not its subsidiaries'), by id."""
        ...

    def page_of_company(
        self, store_hash: str, company_id: int, *, cursor: str | None, limit: int
    ) -> SubscriptionPage:
        """One page of the company's subscriptions by id: `limit` index items read from the
        cursor on, less those whose record left the company (so a page may hold fewer)."""
        ...
