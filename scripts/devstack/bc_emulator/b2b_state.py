"""B2B Edition's state per store: companies (with their parent), buyers, payment terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import clock

# The payment terms (days) B2B Edition accepts for a company.
PAYMENT_TERMS = (0, 5, 15, 30, 45, 60)
# Hierarchies are at most this deep (the company API's overview says five layers).
MAX_LAYERS = 5


@dataclass
class Company:
    """One company account; `parent_id` places it in a hierarchy (None: top layer)."""

    id: int
    name: str
    email: str
    status: int = 1  # 0 pending, 1 approved, 2 rejected, 3 inactive
    parent_id: int | None = None
    terms_enabled: bool = False
    payment_terms: int = 30
    # payment method code -> enabled for the company's buyers
    payments: dict[str, bool] = field(default_factory=dict)
    created_at: int = field(default_factory=lambda: int(clock.now().timestamp()))


@dataclass
class Buyer:
    """A company user, linked to the BigCommerce customer who shops as them."""

    user_id: int
    customer_id: int
    company_id: int
    email: str
    first_name: str
    last_name: str
    role: int = 0  # 0 admin, 1 senior buyer, 2 junior buyer (B2B Edition's built-in roles)
    role_name: str = "Admin"


@dataclass
class B2BEdition:
    """A store's B2B Edition: present only on stores that have it enabled."""

    companies: dict[int, Company] = field(default_factory=dict)
    buyers: dict[int, Buyer] = field(default_factory=dict)  # by BigCommerce customer id
    # The store-level default terms a company without its own falls back to.
    default_payment_terms: int = 30
    next_company_id: int = 1001
    next_user_id: int = 501

    def children(self, company_id: int) -> list[Company]:
        found = [c for c in self.companies.values() if c.parent_id == company_id]
        return sorted(found, key=lambda c: c.id)

    def root_of(self, company_id: int) -> Company:
        company = self.companies[company_id]
        while company.parent_id is not None:
            company = self.companies[company.parent_id]
        return company

    def depth_of(self, company_id: int) -> int:
        depth, company = 1, self.companies[company_id]
        while company.parent_id is not None:
            depth, company = depth + 1, self.companies[company.parent_id]
        return depth

    def tree(self, company: Company) -> dict[str, Any]:
        """The company with its subsidiaries nested below it, as the hierarchy lists them."""
        node: dict[str, Any] = {
            "companyId": company.id,
            "companyName": company.name,
            "companyStatus": company.status,
        }
        kids = self.children(company.id)
        if kids:
            node["subsidiaries"] = [self.tree(child) for child in kids]
        return node
