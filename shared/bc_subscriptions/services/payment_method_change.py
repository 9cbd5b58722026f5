"""A shopper picks another stored instrument: every live subscription they pay for moves to it,
in one transaction with one event each, and their customer links follow. A subscription that
waited for a card has its cycle retried at once (`payment_recovery`). The change counts
against the shopper's limit (`change_limits`) in that transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from ..domain import subscription_payment_method
from ..domain.lifecycle import Status
from ..ports.storage import CustomerLink, UnitOfWork
from .change_limits import RateLimited, payment_method_limit
from .payment_recovery import (
    UnknownInstrument,
    UnusableInstrument,
    method_for,
    send_retries,
    stored_instrument,
)

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.bigcommerce import BigCommerce
    from ..ports.queues import MessageQueue

__all__ = ["UnknownInstrument", "UnusableInstrument", "change_payment_method"]

_ENDED = (Status.CANCELLED, Status.EXPIRED)


def change_payment_method(
    store_hash: str,
    customer_id: int,
    instrument_token: str,
    *,
    bc: BigCommerce,
    uow_factory: Callable[[], UnitOfWork],
    queue: MessageQueue,
    now: datetime,
) -> list[Subscription]:
    instrument = stored_instrument(bc, store_hash, customer_id, instrument_token, now)
    limit = payment_method_limit(customer_id)
    retries: list[tuple[str, int]] = []
    with uow_factory() as uow:
        wait = uow.rate_limits.spend(
            store_hash, limit.key, limit=limit.limit, window=limit.window, now=now
        )
        if wait is not None:
            raise RateLimited(wait)
        links = uow.customer_links.for_customer(store_hash, customer_id)
        subs = [
            s
            for link in links
            if (s := uow.subscriptions.get(store_hash, link.subscription_id)) is not None
            and s.status not in _ENDED
            # Only the payer's cards pay: what they receive or manage keeps its payer's card.
            and s.payer_customer_id == customer_id
        ]
        method = method_for(instrument, subs, now)
        for sub in subs:
            subscription_payment_method.change_payment_method(
                sub, msgspec.structs.replace(method), now
            )
            if (cycle := subscription_payment_method.recover(sub, now)) is not None:
                retries.append((sub.id, cycle))
            uow.subscriptions.save(sub)
            uow.customer_links.add(CustomerLink(store_hash, customer_id, sub.id, instrument_token))
        uow.commit()
    send_retries(queue, store_hash, retries)
    return subs
