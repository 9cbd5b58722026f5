"""The company index on DynamoDB: one query of the store partition, then the records."""

from __future__ import annotations

from ...domain.subscription import Subscription
from ...ports.company_index import belongs, company_link_sk
from . import keys
from .errors import translated_errors
from .models import CompanyLinkItem, SubscriptionItem
from .subscription_doc import subscription_from_doc


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
