"""The portal's list of a shopper's subscriptions, page by page: first those they hold a role
on, then (for a company buyer) the rest of their company's, from the company index.

One cursor walks both: the shopper's own listing hands out its cursor as it is, and once that
listing ends the same page is filled from the company index, whose cursor is handed out marked
as the company's. A page is read one index page at a time and is refilled only while stale
index items (a subscription that left the company) or the shopper's own subscriptions, listed
already, left it short, so a reply is bounded by `limit` whatever the company holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..adapters.dynamodb.subscription_reads import InvalidCursor
from ..domain.actors import customers_of
from ..domain.company_access import current_seat
from . import subscription_admin as admin

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.company_index import CompanySubscriptions
    from ..ports.storage import SubscriptionReader

# Base64url never holds a '.', so the mark cannot be mistaken for the own listing's cursor.
_COMPANY = "company."


def shopper_page(
    store_hash: str,
    customer_id: int,
    *,
    reader: SubscriptionReader,
    index: CompanySubscriptions,
    cursor: str | None,
    limit: int,
) -> tuple[list[Subscription], str | None]:
    """One page of what the shopper sees, and the cursor of the next (None: no more)."""
    limit = min(limit, admin.MAX_PAGE)
    seat = current_seat()
    if cursor is not None and cursor.startswith(_COMPANY):
        if seat is None:  # a buyer who left their company keeps no way into it
            raise InvalidCursor("cursor is not one this listing handed out")
        return _company_fill(store_hash, customer_id, seat.company_id, index, [], cursor, limit)
    own, own_cursor = admin.list_subscriptions(
        store_hash,
        admin.Filters(customer_id=customer_id),
        reader=reader,
        cursor=cursor,
        limit=limit,
    )
    if own_cursor is not None or seat is None:
        return own, own_cursor
    return _company_fill(store_hash, customer_id, seat.company_id, index, own, None, limit)


def _company_fill(
    store_hash: str,
    customer_id: int,
    company_id: int,
    index: CompanySubscriptions,
    page: list[Subscription],
    cursor: str | None,
    limit: int,
) -> tuple[list[Subscription], str | None]:
    """Fill `page` up to `limit` from the company index, asking only for what is missing."""
    inner = cursor.removeprefix(_COMPANY) if cursor else None
    while len(page) < limit:
        found = index.page_of_company(store_hash, company_id, cursor=inner, limit=limit - len(page))
        # The shopper's own listing (those they hold a role on now) showed these already.
        page += [
            s for s in found.subscriptions if customer_id not in customers_of(s.actors_in_force())
        ]
        inner = found.cursor
        if inner is None:
            return page, None
    return page, _COMPANY + inner if inner else None
