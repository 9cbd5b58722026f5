"""A shopper picks another stored instrument: every live subscription of theirs moves to it,
in one transaction with one event each, and their customer links follow. The change counts
against the shopper's limit (`change_limits`) in that transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..domain.errors import DomainError
from ..domain.lifecycle import Status
from ..domain.subscription import PaymentMethod, Subscription
from ..ports.bigcommerce import BigCommerce
from ..ports.storage import CustomerLink, UnitOfWork
from .change_limits import RateLimited, payment_method_limit

_ENDED = (Status.CANCELLED, Status.EXPIRED)


class UnknownInstrument(Exception):
    """Not one of the shopper's stored instruments in BigCommerce."""


class NoGateway(DomainError):
    """None of the shopper's subscriptions has ever been paid through a gateway we know."""

    code = "payment_method_unknown"


def change_payment_method(
    store_hash: str,
    customer_id: int,
    instrument_token: str,
    *,
    bc: BigCommerce,
    uow_factory: Callable[[], UnitOfWork],
    now: datetime,
) -> list[Subscription]:
    stored = bc.list_stored_instruments(store_hash, customer_id)
    if instrument_token not in {i.token for i in stored}:
        raise UnknownInstrument(instrument_token)
    limit = payment_method_limit(customer_id)
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
        ]
        # Stored instruments do not name their gateway method; the shopper's last one does.
        known = [s.payment_method.payment_method_id for s in subs if s.payment_method]
        if subs and not known:
            raise NoGateway("no subscription of this shopper was ever paid by card")
        for sub in subs:
            sub.change_payment_method(
                PaymentMethod(instrument_token=instrument_token, payment_method_id=known[0]), now
            )
            uow.subscriptions.save(sub)
            uow.customer_links.add(CustomerLink(store_hash, customer_id, sub.id, instrument_token))
        uow.commit()
    return subs
