"""Who a subscription is for, changed: a customer takes or leaves a role, or another customer
pays from the next charge on. The rules on the roles are `actors`'; these record each change
on the subscription (the caller saves it)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import actors as act
from . import events as ev

if TYPE_CHECKING:
    from .subscription import Subscription


def add_actor(sub: Subscription, customer_id: int, role: act.Role, now: datetime) -> None:
    """A customer takes a role (a payer is replaced through `change_payer`)."""
    added = act.Actor(customer_id=customer_id, role=role, added_at=now, added_by=sub.acting_actor)
    sub.actors = act.with_added(sub.actors_in_force(), added)
    sub.updated_at = now
    data = {"customer_id": customer_id, "role": role.value}
    sub.record_event(ev.SUBSCRIPTION_ACTOR_ADDED, now, data)


def remove_actor(sub: Subscription, customer_id: int, role: act.Role, now: datetime) -> None:
    """A customer leaves a role; a removed beneficiary leaves the owner receiving."""
    sub.actors = act.with_removed(sub.actors_in_force(), customer_id, role, now)
    sub.updated_at = now
    data = {"customer_id": customer_id, "role": role.value}
    sub.record_event(ev.SUBSCRIPTION_ACTOR_REMOVED, now, data)


def change_payer(sub: Subscription, customer_id: int, now: datetime) -> None:
    """Another customer pays from the next charge on. Their card is not known yet, so the
    subscription keeps no card of the old payer's: it asks for one at the next renewal."""
    by = sub.acting_actor
    sub.actors, old = act.with_payer(sub.actors_in_force(), customer_id, now, by)
    sub.payment_method = None
    sub.updated_at = now
    data = {"previous_customer_id": old, "customer_id": customer_id}
    sub.record_event(ev.SUBSCRIPTION_PAYER_CHANGED, now, data)
