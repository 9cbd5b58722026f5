"""Declines and stale cards in the renewal: where the store's dunning policy is applied."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.charge import Charge, Stage
from ..domain.declines import DeclineClass
from ..domain.dunning import Next, after_decline
from ..domain.lifecycle import Status
from ..domain.subscription_dunning import record_payment_failure
from ..domain.subscription_payment_method import card_is_stale
from .action_links import issue_action_link

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..domain.tenant_config import TenantConfig
    from ..ports.bigcommerce import BigCommerce
    from ..ports.storage import UnitOfWork


def record_failure(sub: Subscription, charge: Charge, uow: UnitOfWork, now: datetime) -> None:
    """The decline moves the subscription along the store's dunning policy."""
    assert charge.bc_order_id is not None
    config: TenantConfig = uow.tenant_configs.get(sub.store_hash)
    dunning = after_decline(
        config.dunning,
        sub.dunning,
        cycle=charge.cycle,
        decline=charge.decline_class or DeclineClass.SOFT,
        now=now,
        reason=charge.decline_reason or "",
        instrument=sub.payment_method.instrument_token if sub.payment_method else None,
    )
    link, token = None, None
    if dunning.next in (Next.AUTHENTICATE, Next.NEW_CARD):
        link, token = issue_action_link(
            charge.cycle,
            now,
            config.action_link_ttl_hours,
            "authenticate" if dunning.next == Next.AUTHENTICATE else "new_card",
        )
    record_payment_failure(
        sub,
        cycle=charge.cycle,
        order_id=charge.bc_order_id,
        code=charge.decline_code,
        reason=charge.decline_reason or "",
        now=now,
        dunning=dunning,
        action_link=link,
        action_token=token,
    )


def void_to_dunning(sub: Subscription, charge: Charge, uow: UnitOfWork, now: datetime) -> bool:
    """An expiring authorization was voided: the cycle is unpaid and dunning charges it again.

    Only while the subscription is active on the next cycle; otherwise (paused, cancelled, in
    dunning or past another cycle) the merchant decides from `charge.voided`."""
    if charge.location_id is not None:
        return _void_location_to_dunning(sub, charge, uow, now)
    if charge.stage != Stage.COMPLETED or not _reopenable(sub, charge.cycle):
        return False
    charge.void_to_dunning(now)
    sub.reopen_voided_cycle(charge.cycle)
    record_failure(sub, charge, uow, now)
    return True


def _reopenable(sub: Subscription, cycle: int) -> bool:
    return sub.status == Status.ACTIVE and sub.dunning is None and sub.next_cycle == cycle + 1


def _void_location_to_dunning(
    sub: Subscription, charge: Charge, uow: UnitOfWork, now: datetime
) -> bool:
    """A delivery location's voided order: its charge fails, and so does the cycle's (which the
    dunning retry reopens, paying only its failed locations). A second location voided while
    the cycle already waits for that retry joins it without a second dunning step."""
    cycle_charge = uow.charges.get(sub.store_hash, sub.id, charge.cycle)
    if charge.stage != Stage.COMPLETED or cycle_charge is None:
        return False
    waiting = sub.dunning is not None and sub.dunning.cycle == charge.cycle
    if cycle_charge.stage == Stage.PAYMENT_FAILED and waiting:
        charge.void_to_dunning(now)
        return True
    if cycle_charge.stage != Stage.COMPLETED or not _reopenable(sub, charge.cycle):
        return False
    charge.void_to_dunning(now)
    cycle_charge.decline_code, cycle_charge.decline_reason = None, charge.decline_reason
    cycle_charge.decline_class = charge.decline_class
    cycle_charge.advance(Stage.PAYMENT_FAILED, now)
    uow.charges.save(cycle_charge)  # with the void, in one transaction
    sub.reopen_voided_cycle(charge.cycle)
    record_failure(sub, charge, uow, now)
    return True


def card_still_valid(sub: Subscription, uow: UnitOfWork, bc: BigCommerce, now: datetime) -> bool:
    """A card not proven for `nti_freshness_days` is looked up in BigCommerce before charging."""
    pm = sub.payment_method
    assert pm is not None
    freshness = uow.tenant_configs.get(sub.store_hash).nti_freshness_days
    if not card_is_stale(sub, now, freshness):
        return True
    instruments = bc.list_stored_instruments(sub.store_hash, sub.payer_customer_id)
    card = next((i for i in instruments if i.token == pm.instrument_token), None)
    if card is None or _expired(card.expiry_year, card.expiry_month, now):
        return False
    pm.verified_at = now
    uow.subscriptions.save(sub)  # committed with the caller's next commit (the payment attempt)
    return True


def _expired(year: int | None, month: int | None, now: datetime) -> bool:
    return year is not None and month is not None and (year, month) < (now.year, now.month)
