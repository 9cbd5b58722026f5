"""The company index on DynamoDB: one query of the store partition, then the records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...ports.company_index import belongs, company_link_sk
from ...ports.storage import SubscriptionPage
from . import keys
from .errors import translated_errors
from .models import CompanyLinkItem, SubscriptionItem
from .subscription_doc import subscription_from_doc
from .subscription_reads import _decode, _encode

if TYPE_CHECKING:
    from ...domain.subscription import Subscription


def company_link(store_hash: str, company_id: int, subscription_id: str) -> CompanyLinkItem:
    return CompanyLinkItem(
        keys.store_pk(store_hash),
        company_link_sk(company_id, subscription_id),
        store_hash=store_hash,
        company_id=company_id,
        subscription_id=subscription_id,
    )


class DynamoCompanySubscriptions:
    def of_company(self, store_hash: str, company_id: int) -> list[Subscription]:
        with translated_errors():
            links = CompanyLinkItem.query(
                keys.store_pk(store_hash),
                CompanyLinkItem.sk.startswith(company_link_sk(company_id)),
                consistent_read=True,
            )
            ids = sorted({link.subscription_id for link in links})
            found = []
            for subscription_id in ids:
                pk = keys.sub_pk(store_hash, subscription_id)
                try:
                    item = SubscriptionItem.get(pk, keys.META, consistent_read=True)
                except SubscriptionItem.DoesNotExist:
                    continue
                found.append(subscription_from_doc(item.doc))
        return [sub for sub in found if belongs(sub, company_id)]

    def page_of_company(
        self, store_hash: str, company_id: int, *, cursor: str | None, limit: int
    ) -> SubscriptionPage:
        """One query of `limit` index items from the cursor on, then their records at once."""
        prefix = company_link_sk(company_id)
        start = _decode(cursor, store_hash, prefix) if cursor else None
        with translated_errors():
            rows = CompanyLinkItem.query(
                keys.store_pk(store_hash),
                CompanyLinkItem.sk.startswith(prefix),
                consistent_read=True,
                limit=limit,
                last_evaluated_key=start,
            )
            ids = [link.subscription_id for link in rows]
            last = rows.last_evaluated_key
            wanted = [(keys.sub_pk(store_hash, i), keys.META) for i in ids]
            found = {
                item.subscription_id: subscription_from_doc(item.doc)
                for item in (SubscriptionItem.batch_get(wanted) if wanted else [])
            }
        subs = [found[i] for i in ids if belongs(found.get(i), company_id)]
        return SubscriptionPage(subs, _encode(last, store_hash, prefix) if last else None)
