"""The onboarding checklist: the facts behind each item, read from BigCommerce and our table.

A fact BigCommerce cannot give right now makes its item `unknown`, never the whole list fail.
Capture mode and test mode are judged from a checkout order's transactions: BigCommerce does
not expose a gateway's authorize-or-capture setting, only what the gateway did.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import msgspec

from ..domain import onboarding as checks
from ..observability import logger
from ..ports.bigcommerce import BigCommerce, BigCommerceError
from .install_store import WEBHOOK_ROUTES

if TYPE_CHECKING:
    from ..domain.tenant_config import TenantConfig
    from ..ports.storage import Endpoint, SubscriptionReader

PLANS_SHOWN = 20


class SubscribablePlans(Protocol):
    def subscribable(self, store_hash: str, limit: int) -> list[int]: ...


class EndpointList(Protocol):
    def list(self, store_hash: str) -> list[Endpoint]: ...


class Checklist(msgspec.Struct, frozen=True):
    checks: list[checks.Check]
    sample_order_id: int | None  # the checkout order capture and test mode were judged by


def onboarding_checklist(
    store_hash: str,
    *,
    bc: BigCommerce,
    plans: SubscribablePlans,
    endpoints: EndpointList,
    reader: SubscriptionReader,
    config: TenantConfig,
    app_base_url: str,
) -> Checklist:
    wanted = {s: app_base_url.rstrip("/") + path for s, path in WEBHOOK_ROUTES.items()}
    try:
        listed_hooks = bc.list_webhooks(store_hash)
        hooks: list[checks.HookFact] | None = [
            checks.HookFact(h.scope, h.destination, h.is_active) for h in listed_hooks
        ]
    except BigCommerceError as failed:
        logger.warning("onboarding: hooks unreadable", status=failed.status)
        hooks = None
    listed = endpoints.list(store_hash)
    enabled = sum(1 for e in listed if e.enabled)
    order_id, event, test, read = _sample_payment(store_hash, bc=bc, reader=reader)
    return Checklist(
        [
            checks.hooks_check(wanted, hooks),
            checks.plan_check(plans.subscribable(store_hash, PLANS_SHOWN)),
            checks.capture_check(config.capture_timing, event, read=read),
            checks.endpoint_check(enabled, len(listed) - enabled),
            checks.sandbox_check(test, read=read),
        ],
        order_id,
    )


def _sample_payment(
    store_hash: str, *, bc: BigCommerce, reader: SubscriptionReader
) -> tuple[int | None, str | None, bool | None, bool]:
    """(order id, the gateway's first payment event, test flag, readable) of a checkout order
    that started one of the store's subscriptions; Nones before the first subscription."""
    page = reader.page(store_hash, customer_id=None, cursor=None, limit=1)
    if not page.subscriptions:
        return None, None, None, True
    order_id = page.subscriptions[0].origin_order_id
    try:
        txs = bc.list_order_transactions(store_hash, order_id)
    except BigCommerceError as failed:
        logger.warning("onboarding: transactions unreadable", status=failed.status)
        return order_id, None, None, False
    paid = next((t for t in txs if t.event in ("authorization", "purchase")), None)
    return order_id, paid.event if paid else None, paid.test if paid else None, True
