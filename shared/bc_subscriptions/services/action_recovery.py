"""What the action-link page shows and does: the waiting subscription, the shopper's stored
cards, and the one choice the link allows, retried at once (`payment_recovery`).

Opening the page changes nothing (mail scanners follow links too); the form post spends the
link in the same transaction as the choice, so of two posts only one changes anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from ..domain.errors import DomainError
from ..ports.storage import ConcurrencyConflict, CustomerLink, UnitOfWork
from .action_links import LinkCheck, LinkState, check_link
from .payment_recovery import choose_card, expired, send_retries, stored_instrument

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.bigcommerce import BigCommerce, StoredInstrument
    from ..ports.queues import MessageQueue


class DeclinedInstrument(DomainError):
    """The card this cycle was just declined with, offered again where a new one is needed."""

    code = "declined_instrument"


class CardChoice(msgspec.Struct, frozen=True):
    instrument: StoredInstrument
    usable: bool
    why_not: str = ""  # "expired" or "declined" when not usable


class ActionView(msgspec.Struct, frozen=True):
    check: LinkCheck
    cards: list[CardChoice] = msgspec.field(default_factory=list)


class ActionDone(msgspec.Struct, frozen=True):
    state: LinkState  # OPEN when this post did it; otherwise why nothing changed
    subscription: Subscription | None = None
    retried_cycle: int | None = None


def view_link(
    store_hash: str,
    subscription_id: str,
    token_sha256: str,
    *,
    uow: UnitOfWork,
    bc: BigCommerce,
    now: datetime,
) -> ActionView:
    """The link's state and, while it is open, the shopper's cards as BigCommerce lists them."""
    with uow:
        checked = check_link(uow.subscriptions.get(store_hash, subscription_id), token_sha256, now)
    sub = checked.subscription
    if checked.state != LinkState.OPEN or sub is None:
        return ActionView(checked)
    declined = sub.dunning.declined_instrument if sub.dunning else None
    needs_new = checked.link is not None and checked.link.action == "new_card"
    cards = []
    for instrument in bc.list_stored_instruments(store_hash, sub.payer_customer_id):
        why = "expired" if expired(instrument, now) else ""
        if not why and needs_new and instrument.token == declined:
            why = "declined"
        cards.append(CardChoice(instrument, usable=not why, why_not=why))
    return ActionView(checked, cards)


def complete_link(
    store_hash: str,
    subscription_id: str,
    token_sha256: str,
    instrument_token: str,
    *,
    uow_factory: Callable[[], UnitOfWork],
    bc: BigCommerce,
    queue: MessageQueue,
    now: datetime,
) -> ActionDone:
    """Spend the link on the shopper's choice of card for this one subscription, and retry
    its waiting cycle at once. Raises `UnknownInstrument`, `UnusableInstrument` or
    `DeclinedInstrument` (nothing changed, the link still open) for a card it cannot take."""
    with uow_factory() as uow:
        sub = uow.subscriptions.get(store_hash, subscription_id)
        checked = check_link(sub, token_sha256, now)
        if checked.state != LinkState.OPEN or sub is None or checked.link is None:
            return ActionDone(checked.state)
        link = checked.link
        instrument = stored_instrument(bc, store_hash, sub.payer_customer_id, instrument_token, now)
        declined = sub.dunning.declined_instrument if sub.dunning else None
        if link.action == "new_card" and instrument.token == declined:
            raise DeclinedInstrument("that card was just declined; choose another")
        # Confirming the card on this page is the cardholder being present: the payment that
        # wanted authentication is made again, on the same cycle and order.
        cycle = choose_card(sub, instrument, now, authenticated=link.action == "authenticate")
        payer = sub.payer_customer_id
        uow.customer_links.add(CustomerLink(store_hash, payer, sub.id, instrument.token))
        if sub.action_link is not None and sub.action_link.used_at is None:
            sub.action_link = msgspec.structs.replace(sub.action_link, used_at=now)
        uow.subscriptions.save(sub)
        try:
            uow.commit()
        except ConcurrencyConflict:
            # Another post (or change) won: it spent the link or changed the subscription.
            return ActionDone(LinkState.USED)
    if cycle is not None:
        send_retries(queue, store_hash, [(sub.id, cycle)])
    return ActionDone(LinkState.OPEN, sub, cycle)
