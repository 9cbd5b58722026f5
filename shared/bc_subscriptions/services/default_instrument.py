"""`store/customer/payment/instrument/default/updated`: the shopper set a new default card in
the storefront. Each of their subscriptions that waits on a card (past due or requires
action) takes it, and its cycle is retried at once (`payment_recovery`). Subscriptions that
renew fine keep the card they have: a default is not a choice for them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from ..domain.lifecycle import Status
from ..domain.subscription_payment_method import change_payment_method, recover
from ..ports.storage import CustomerLink, UnitOfWork
from .payment_recovery import expired, method_for, send_retries

if TYPE_CHECKING:
    from ..ports.bigcommerce import BigCommerce
    from ..ports.queues import MessageQueue

_WAITING = (Status.PAST_DUE, Status.REQUIRES_ACTION)


def recover_with_default(
    store_hash: str,
    customer_id: int,
    *,
    bc: BigCommerce,
    uow_factory: Callable[[], UnitOfWork],
    queue: MessageQueue,
    now: datetime,
) -> str:
    """What the delivery came to: `no_usable_default`, `nothing_waiting` or `retried:<n>`.
    A conflict with a concurrent change fails the delivery, which the worker runs again."""
    stored = bc.list_stored_instruments(store_hash, customer_id)
    default = next((i for i in stored if i.is_default and not expired(i, now)), None)
    if default is None:
        return "no_usable_default"
    retries: list[tuple[str, int]] = []
    with uow_factory() as uow:
        links = uow.customer_links.for_customer(store_hash, customer_id)
        subs = [
            s
            for link in links
            if (s := uow.subscriptions.get(store_hash, link.subscription_id)) is not None
            # Only what this customer pays for: a gift they receive is paid by someone else.
            and s.payer_customer_id == customer_id
        ]
        waiting = [s for s in subs if s.status in _WAITING]
        if not waiting:
            return "nothing_waiting"
        method = method_for(default, subs, now)
        for sub in waiting:
            if sub.payment_method is None or sub.payment_method.instrument_token != default.token:
                change_payment_method(sub, msgspec.structs.replace(method), now)
            if (cycle := recover(sub, now)) is not None:
                retries.append((sub.id, cycle))
            uow.subscriptions.save(sub)
            uow.customer_links.add(CustomerLink(store_hash, customer_id, sub.id, default.token))
        uow.commit()
    send_retries(queue, store_hash, retries)
    return f"retried:{len(retries)}"
