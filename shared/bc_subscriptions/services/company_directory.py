"""Companies as B2B Edition knows them, cached per container with a refresh.

A buyer's company and the hierarchy it sits in change rarely and are read on every company
capture, enrollment and MRR figure; B2B Edition limits the hierarchy call to 15 a minute per
store. So both are kept for the store's `company_cache_minutes`, and `refresh` drops them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import msgspec

from ..domain.company import CompanyMembership
from ..ports.b2b_edition import B2BEdition, B2BNotEnabled, CompanyBuyer, CompanyNode, PaymentTerms

if TYPE_CHECKING:
    from ..ports.clock import Clock


class _Entry(msgspec.Struct):
    value: object
    until: datetime


class CompanyDirectory(msgspec.Struct):
    b2b: B2BEdition
    clock: Clock
    _cache: dict[tuple[str, str, int], _Entry] = msgspec.field(default_factory=dict)

    def buyer(self, store_hash: str, customer_id: int, ttl: timedelta) -> CompanyBuyer | None:
        """The customer's company buyer record; None when they buy for no company, or the
        store turns out not to have B2B Edition."""
        found = self._cached(store_hash, "buyer", customer_id, ttl, self._buyer)
        return found if isinstance(found, CompanyBuyer) else None

    def hierarchy(self, store_hash: str, company_id: int, ttl: timedelta) -> CompanyNode | None:
        """The whole hierarchy the company sits in (None: B2B Edition has no such company)."""
        found = self._cached(store_hash, "tree", company_id, ttl, self.b2b.hierarchy)
        return found if isinstance(found, CompanyNode) else None

    def membership(
        self, store_hash: str, customer_id: int, ttl: timedelta
    ) -> CompanyMembership | None:
        """The company a customer's new subscription belongs to, with its parent."""
        buyer = self.buyer(store_hash, customer_id, ttl)
        if buyer is None:
            return None
        return self.membership_of(store_hash, buyer.company_id, ttl)

    def membership_of(
        self, store_hash: str, company_id: int, ttl: timedelta
    ) -> CompanyMembership | None:
        tree = self.hierarchy(store_hash, company_id, ttl)
        if tree is None:
            return None
        return CompanyMembership(
            company_id=company_id, parent_company_id=parent_in(tree, company_id)
        )

    def payment_terms(self, store_hash: str, company_id: int) -> PaymentTerms | None:
        """Read fresh: an enrollment takes the terms as they are today."""
        return self.b2b.payment_terms(store_hash, company_id)

    def refresh(self, store_hash: str) -> None:
        """Forget what is cached for the store; the next read asks B2B Edition."""
        for key in [k for k in self._cache if k[0] == store_hash]:
            del self._cache[key]

    def _buyer(self, store_hash: str, customer_id: int) -> CompanyBuyer | None:
        try:
            return self.b2b.buyer(store_hash, customer_id)
        except B2BNotEnabled:
            return None  # configured for B2B but not installed: behave as a plain store

    def _cached(self, store_hash: str, kind: str, key: int, ttl: timedelta, read: object) -> object:
        now = self.clock.now()
        entry = self._cache.get((store_hash, kind, key))
        if entry is None or entry.until <= now:
            assert callable(read)
            entry = _Entry(read(store_hash, key), now + ttl)
            self._cache[(store_hash, kind, key)] = entry
        return entry.value


def parent_in(tree: CompanyNode, company_id: int) -> int | None:
    """The id of the company's parent in `tree` (None: it is the top, or not in the tree)."""
    for child in tree.subsidiaries:
        if child.company_id == company_id:
            return tree.company_id
        if (found := parent_in(child, company_id)) is not None:
            return found
    return None


def subtree(tree: CompanyNode, company_id: int) -> CompanyNode | None:
    """The company's node in `tree`, with everything below it."""
    if tree.company_id == company_id:
        return tree
    for child in tree.subsidiaries:
        if (found := subtree(child, company_id)) is not None:
            return found
    return None


def with_descendants(node: CompanyNode) -> list[int]:
    """The company and every company below it, at any depth (top first)."""
    return [node.company_id, *(c for child in node.subsidiaries for c in with_descendants(child))]
