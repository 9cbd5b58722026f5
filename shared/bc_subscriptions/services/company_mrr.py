"""Company-hierarchy MRR: recurring revenue normalised to a month, for a company alone and with
every company below it at any depth.

The hierarchy comes from B2B Edition (cached); each company's subscriptions come from the
company index (one query per company, never a scan). A subscription counts while it is billed:
active, or past due / waiting on the buyer (still owed). Paused, cancelled, expired and
trialing subscriptions bring in nothing this month.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import msgspec

from ..domain.company import monthly
from ..domain.lifecycle import Status
from ..domain.subscription_pricing import renewal_total
from .company_directory import CompanyDirectory, parent_in, subtree, with_descendants

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.b2b_edition import CompanyNode
    from ..ports.company_index import CompanySubscriptions
    from ..ports.storage import UnitOfWork

BILLED = frozenset({Status.ACTIVE, Status.PAST_DUE, Status.REQUIRES_ACTION})


class CompanyNotFound(Exception):
    """No such company in the store's B2B Edition (or the store has none)."""


class CompanyFigure(msgspec.Struct, frozen=True):
    company_id: int
    parent_company_id: int | None
    subscriptions: int
    mrr: dict[str, Decimal]  # per currency


class CompanyMrr(msgspec.Struct, frozen=True):
    company_id: int
    own: CompanyFigure
    total: dict[str, Decimal]  # the company and all its descendants, per currency
    companies: list[CompanyFigure]  # the company first, then every descendant


def subscription_mrr(sub: Subscription) -> Decimal:
    """What the subscription brings in per month (a prepaid charge spread over its cycles)."""
    if sub.status not in BILLED:
        return Decimal("0.00")
    per_charge = renewal_total(sub) / sub.terms.billing_period_count
    return monthly(per_charge, sub.cadence)


def company_mrr(
    store_hash: str,
    company_id: int,
    *,
    directory: CompanyDirectory,
    index: CompanySubscriptions,
    cache: timedelta,
) -> CompanyMrr:
    tree = directory.hierarchy(store_hash, company_id, cache)
    node = subtree(tree, company_id) if tree is not None else None
    if tree is None or node is None:
        raise CompanyNotFound(f"company {company_id} is not in this store's B2B Edition")
    parents = _parents(node)
    if (above := parent_in(tree, company_id)) is not None:
        parents[company_id] = above
    figures = [_figure(store_hash, c, parents.get(c), index) for c in with_descendants(node)]
    total: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for figure in figures:
        for currency, amount in figure.mrr.items():
            total[currency] += amount
    return CompanyMrr(company_id, figures[0], dict(sorted(total.items())), figures)


def _figure(
    store_hash: str, company_id: int, parent: int | None, index: CompanySubscriptions
) -> CompanyFigure:
    subs = [s for s in index.of_company(store_hash, company_id) if s.status in BILLED]
    mrr: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for sub in subs:
        mrr[sub.currency] += subscription_mrr(sub)
    return CompanyFigure(company_id, parent, len(subs), dict(sorted(mrr.items())))


def _parents(node: CompanyNode) -> dict[int, int]:
    found: dict[int, int] = {}
    for child in node.subsidiaries:
        found[child.company_id] = node.company_id
        found |= _parents(child)
    return found


def store_company_mrr(
    store_hash: str,
    company_id: int,
    *,
    uow: UnitOfWork,
    directory: CompanyDirectory,
    index: CompanySubscriptions,
) -> CompanyMrr:
    """The figure for a store on B2B Edition; any other store has no companies to show."""
    with uow:
        settings = uow.tenant_configs.get(store_hash).b2b
    if settings is None:
        raise CompanyNotFound("the store is not set up for B2B Edition")
    cache = timedelta(minutes=settings.company_cache_minutes)
    return company_mrr(store_hash, company_id, directory=directory, index=index, cache=cache)
