"""Recovery: a usable card chosen for a waiting subscription retries its cycle at once.

Wherever the card is chosen (the action link, the portal, the control panel, or BigCommerce's
default-instrument hook), the choice is committed with the subscription's retry request in one
transaction, and only then is the renewal worker told. The worker's dunning path pays the
cycle's existing order; the request is idempotent because the subscription records it
(`DunningState.recovery_instrument`), so a duplicate choice, hook or message retries nothing
more. Should the message be lost, the sweep finds the retry due.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.record import from_data
from ..domain.subscription import PaymentMethod, Subscription
from ..domain.subscription_payment_method import change_payment_method, recover
from .messages import RenewSubscription

if TYPE_CHECKING:
    from ..ports.bigcommerce import BigCommerce, StoredInstrument
    from ..ports.queues import MessageQueue


class UnknownInstrument(Exception):
    """Not one of the shopper's stored instruments in BigCommerce."""


class UnusableInstrument(Exception):
    """A stored card that has expired: choosing it could never pay."""


def stored_instrument(
    bc: BigCommerce, store_hash: str, customer_id: int, token: str, now: datetime
) -> StoredInstrument:
    """The shopper's stored instrument with `token`, checked usable, read from BigCommerce."""
    found = next(
        (i for i in bc.list_stored_instruments(store_hash, customer_id) if i.token == token), None
    )
    if found is None:
        raise UnknownInstrument(token)
    if expired(found, now):
        raise UnusableInstrument(token)
    return found


def expired(instrument: StoredInstrument, now: datetime) -> bool:
    year, month = instrument.expiry_year, instrument.expiry_month
    return year is not None and month is not None and (year, month) < (now.year, now.month)


def method_for(
    instrument: StoredInstrument, subs: Iterable[Subscription], now: datetime
) -> PaymentMethod:
    """The instrument as a subscription pays with it. Stored instruments do not name their
    gateway method; the shopper's last one does, and without one (no card at checkout) it is
    left empty for the renewal to ask BigCommerce which method pays the order with it."""
    known = [s.payment_method.payment_method_id for s in subs if s.payment_method]
    kind = instrument.type
    if kind not in ("stored_card", "stored_paypal_account", "stored_bank_account"):
        raise UnknownInstrument(instrument.token)
    return from_data(
        PaymentMethod,
        {
            "instrument_token": instrument.token,
            "payment_method_id": next((k for k in known if k), ""),
            "instrument_type": kind,
            "verified_at": now,  # just read from BigCommerce, unexpired
        },
    )


def choose_card(
    sub: Subscription, instrument: StoredInstrument, now: datetime, *, authenticated: bool = False
) -> int | None:
    """Put the chosen instrument on `sub` (unless it is there already) and ask for the retry
    that choice allows; returns the cycle to hand to the renewal worker, if any."""
    current = sub.payment_method
    if current is None or current.instrument_token != instrument.token:
        change_payment_method(sub, method_for(instrument, [sub], now), now)
    return recover(sub, now, authenticated=authenticated)


def send_retries(queue: MessageQueue, store_hash: str, retries: Iterable[tuple[str, int]]) -> int:
    """Hand the committed retries to the renewal worker; returns how many were sent."""
    bodies = [
        RenewSubscription(store_hash=store_hash, subscription_id=sub_id, cycle=cycle).to_json()
        for sub_id, cycle in retries
    ]
    return queue.send_batch(bodies) if bodies else 0
