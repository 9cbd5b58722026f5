"""B2B Edition port: who a buyer's company is, the company's place in its hierarchy, its terms."""

from __future__ import annotations

from typing import Protocol

from msgspec import Struct

from .bigcommerce import BigCommerceError


class B2BNotEnabled(BigCommerceError):
    """The store does not have B2B Edition (its API refuses the store)."""


class CompanyBuyer(Struct, kw_only=True):
    """A BigCommerce customer who buys for a company."""

    customer_id: int
    company_id: int
    role: int  # 0 admin, 1 senior buyer, 2 junior buyer


class CompanyNode(Struct, kw_only=True):
    """A company and, nested below it, its subsidiaries."""

    company_id: int
    name: str
    status: int
    subsidiaries: list[CompanyNode] = []


class PaymentTerms(Struct, kw_only=True):
    """The company's net terms: its own when enabled, else the store's default."""

    enabled: bool
    days: int


class B2BEdition(Protocol):
    def buyer(self, store_hash: str, customer_id: int) -> CompanyBuyer | None:
        """None: the customer buys for no company."""
        ...

    def hierarchy(self, store_hash: str, company_id: int) -> CompanyNode | None:
        """The whole hierarchy the company is in, from its top; None: no such company."""
        ...

    def payment_terms(self, store_hash: str, company_id: int) -> PaymentTerms | None: ...
