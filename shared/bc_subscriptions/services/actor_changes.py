"""The merchant adds and removes a subscription's actors.

Each change is one unit of work: the actors change inside the subscription's own record (its
version lock makes two racing changes one winner and one `ConcurrencyConflict`), the rule
check runs before anything is staged, and the new actor's customer link is written with it
so their portal lists the subscription without a scan. A customer left holding no role
(removed, or a replaced payer with no other) loses their link in the same unit of work, so
their portal and card cascades stop reading the subscription; the owner's link stays (the
subscription is filed under its owner whatever the roles say).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain import subscription_actors
from ..domain.actors import Role, customers_of
from ..ports.storage import CustomerLink, UnitOfWork
from .subscription_admin import owned_by_caller

if TYPE_CHECKING:
    from ..domain.subscription import Subscription
    from ..ports.bigcommerce import BigCommerce


class NotAStoreCustomer(Exception):
    """BigCommerce knows no customer with this id in the store: nothing was written."""


def add_actor(
    store_hash: str,
    subscription_id: str,
    customer_id: int,
    role: Role,
    *,
    uow_factory: Callable[[], UnitOfWork],
    bc: BigCommerce,
    now: datetime,
    replace_payer: bool = False,
) -> Subscription:
    """Give `customer_id` the role. A payer only replaces the current one when asked to
    (`replace_payer`); adding a second one breaks the payer rule and is refused. The
    customer must be one of the store's (BigCommerce is asked before anything is staged)."""
    with uow_factory() as uow:
        sub = owned_by_caller(uow, store_hash, subscription_id, None)
        found = bc.find_customers(store_hash, ids=[customer_id])
        if not any(c.id == customer_id for c in found):
            raise NotAStoreCustomer(f"customer {customer_id} is not a customer of this store")
        linked = customers_of(sub.actors_in_force())
        if role is Role.PAYER and replace_payer:
            subscription_actors.change_payer(sub, customer_id, now)
        else:
            subscription_actors.add_actor(sub, customer_id, role, now)
        uow.subscriptions.save(sub)
        if customer_id not in linked:
            uow.customer_links.add(CustomerLink(store_hash, customer_id, sub.id, None))
        _unlink_roleless(uow, sub, linked, now)
        uow.commit()
    return sub


def remove_actor(
    store_hash: str,
    subscription_id: str,
    customer_id: int,
    role: Role,
    *,
    uow_factory: Callable[[], UnitOfWork],
    now: datetime,
) -> Subscription:
    """End the customer's role; removing the only payer (or the owner) is refused."""
    with uow_factory() as uow:
        sub = owned_by_caller(uow, store_hash, subscription_id, None)
        linked = customers_of(sub.actors_in_force())
        subscription_actors.remove_actor(sub, customer_id, role, now)
        uow.subscriptions.save(sub)
        _unlink_roleless(uow, sub, linked, now)
        uow.commit()
    return sub


def _unlink_roleless(
    uow: UnitOfWork, sub: Subscription, linked: frozenset[int], now: datetime
) -> None:
    """Remove the link of every customer who held a role before the change and holds none
    after it, except the owner's."""
    left = linked - customers_of(sub.actors_in_force()) - {sub.customer_id}
    for customer_id in sorted(left):
        uow.customer_links.remove(sub.store_hash, customer_id, sub.id, now)
