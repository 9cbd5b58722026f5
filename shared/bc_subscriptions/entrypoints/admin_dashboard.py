"""Admin route for the dashboard's look ahead: renewals due soon and what they come to."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import Field

from ..bootstrap import container
from ..services.upcoming_renewals import upcoming_renewals
from .admin_auth import session_store
from .api_base import ApiModel

router = Router()  # type: ignore[no-untyped-call]


class RenewalTotal(ApiModel):
    currency: str
    amount: Decimal


class UpcomingRenewalsView(ApiModel):
    days: int
    until: datetime = Field(description="The window's end, on the store's clock")
    count: int
    more: bool = Field(description="More renewals are due than were counted (count is a floor)")
    totals: list[RenewalTotal] = Field(description="Per currency, shipping and tax included")


@router.get("/admin/renewals/upcoming")
def upcoming(days: Annotated[int, Query(ge=1, le=31)] = 7) -> UpcomingRenewalsView:
    """Renewals due within `days` (late ones included) and their amounts."""
    store_hash, c = session_store(router.current_event.headers), container()
    now = c.clock.now()
    found = upcoming_renewals(store_hash, reader=c.subscription_reads, now=now, days=days)
    return UpcomingRenewalsView(
        days=days,
        until=now + timedelta(days=days),
        count=found.count,
        more=found.more,
        totals=[RenewalTotal(currency=k, amount=v) for k, v in sorted(found.totals.items())],
    )
