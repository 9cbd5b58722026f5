"""Subscriptions filed under their customer (store partition), staged with the subscriptions.

A removed link is overwritten with a tombstone (`removed_at`, and a `ttl` of the removal
time) rather than deleted: no function may delete items from the table (history is
append-only, the template grants no `DeleteItem`), while the table's TTL may. Reads skip the
tombstone at once; DynamoDB's TTL sweep takes it out of the partition within days, after
which it costs no read at all. A later `add` of the same link overwrites the tombstone.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ...ports.storage import CustomerLink
from . import keys
from .errors import translated_errors
from .models import CustomerLinkItem

if TYPE_CHECKING:
    from .unit_of_work import DynamoUnitOfWork


def _prefix(customer_id: int) -> str:
    return f"CUSTOMER#{customer_id:012d}#SUB#"


class CustomerLinks:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow

    def add(self, link: CustomerLink) -> None:
        self._uow.stage(
            CustomerLinkItem(
                keys.store_pk(link.store_hash),
                _prefix(link.customer_id) + link.subscription_id,
                store_hash=link.store_hash,
                customer_id=link.customer_id,
                subscription_id=link.subscription_id,
                instrument_token=link.instrument_token,
            )
        )

    def remove(
        self, store_hash: str, customer_id: int, subscription_id: str, now: datetime
    ) -> None:
        self._uow.stage(
            CustomerLinkItem(
                keys.store_pk(store_hash),
                _prefix(customer_id) + subscription_id,
                store_hash=store_hash,
                customer_id=customer_id,
                subscription_id=subscription_id,
                removed_at=keys.timestamp(now),
                ttl=int(now.timestamp()),
            )
        )

    def for_customer(self, store_hash: str, customer_id: int) -> list[CustomerLink]:
        with translated_errors():
            rows = CustomerLinkItem.query(
                keys.store_pk(store_hash),
                CustomerLinkItem.sk.startswith(_prefix(customer_id)),
                consistent_read=True,
            )
            return [
                CustomerLink(store_hash, customer_id, r.subscription_id, r.instrument_token)
                for r in rows
                if r.removed_at is None
            ]
