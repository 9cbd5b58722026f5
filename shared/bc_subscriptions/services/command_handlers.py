"""The one table from command to handler, for every change the admin and portal APIs make.

Each handler calls the existing service for its change with the caller's scope: the store,
and for a shopper their customer id (so another shopper's subscription is not found). The
lifecycle, the guards and the events stay in those services and the aggregate.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any, Protocol, TypeVar, cast

from ..domain.actors import acting
from ..domain.subscription import Subscription
from ..ports.bigcommerce import BigCommerce
from ..ports.queues import MessageQueue
from ..ports.storage import OpsEvents, UnitOfWork
from . import actor_changes
from . import subscription_admin as admin
from . import subscription_changes as changes
from .actor_access import ensure_caller_may
from .cancel_flow import Cancelled, cancel_subscription
from .commands import (
    AddActor,
    Caller,
    Cancel,
    ChangeCadence,
    ChangePaymentMethod,
    ChangeQuantity,
    ChangeShippingAddress,
    ChooseCard,
    Command,
    Pause,
    RemoveActor,
    Resume,
    RetryPayment,
    SetContract,
    SetCustomFields,
    Skip,
    SwapVariant,
    WithdrawScheduledCancel,
)
from .custom_fields import set_subscription_custom_fields
from .payment_method_change import change_payment_method

R = TypeVar("R")


class ChangeDeps(Protocol):
    """The adapters a change may need, built only when its handler asks for them."""

    def unit_of_work(self) -> UnitOfWork: ...

    @property
    def bigcommerce(self) -> BigCommerce: ...

    @property
    def ops_events(self) -> OpsEvents: ...

    @property
    def renewal_queue(self) -> MessageQueue: ...


class UnknownCommand(Exception):
    """No handler in the table: nothing was read or written."""


class ShopperOnly(Exception):
    """A command about a shopper's own wallet, asked by a merchant."""


class MerchantOnly(Exception):
    """A command only the merchant may give, asked by a shopper."""


Handler = Callable[[Any, Caller, ChangeDeps, datetime], object]


def handle(command: Command[R], caller: Caller, deps: ChangeDeps, now: datetime) -> R:
    """Run `command` for `caller` through its handler; one not in the table is refused, and
    so is one the caller's roles on the subscription do not allow. Every event the command
    raises records the caller as who acted."""
    handler = HANDLERS.get(type(command))
    if handler is None:
        raise UnknownCommand(type(command).__name__)
    ensure_caller_may(command, caller, lambda: deps.unit_of_work())
    with acting(caller.event_actor):
        return cast(R, handler(command, caller, deps, now))


def _amend(
    subscription_id: str,
    operation: Callable[[Subscription], None],
    caller: Caller,
    deps: ChangeDeps,
    now: datetime,
) -> Subscription:
    return admin.change_subscription(
        caller.store_hash,
        subscription_id,
        operation,
        uow_factory=deps.unit_of_work,
        now=now,
        customer_id=caller.customer_id,
    )


def _pause(cmd: Pause, caller: Caller, deps: ChangeDeps, now: datetime) -> Subscription:
    return _amend(cmd.subscription_id, admin.pause(now, cmd.resume_at), caller, deps, now)


def _resume(cmd: Resume, caller: Caller, deps: ChangeDeps, now: datetime) -> Subscription:
    return _amend(cmd.subscription_id, admin.resume(now), caller, deps, now)


def _skip(cmd: Skip, caller: Caller, deps: ChangeDeps, now: datetime) -> Subscription:
    return _amend(cmd.subscription_id, admin.skip(now), caller, deps, now)


def _withdraw(
    cmd: WithdrawScheduledCancel, caller: Caller, deps: ChangeDeps, now: datetime
) -> Subscription:
    return _amend(cmd.subscription_id, admin.withdraw_scheduled_cancel(now), caller, deps, now)


def _quantity(cmd: ChangeQuantity, caller: Caller, deps: ChangeDeps, now: datetime) -> Subscription:
    operation = changes.quantity(cmd.product_id, cmd.quantity, now)
    return _amend(cmd.subscription_id, operation, caller, deps, now)


def _address(
    cmd: ChangeShippingAddress, caller: Caller, deps: ChangeDeps, now: datetime
) -> Subscription:
    operation = changes.shipping_address(dict(cmd.address), now)
    return _amend(cmd.subscription_id, operation, caller, deps, now)


def _contract(cmd: SetContract, caller: Caller, deps: ChangeDeps, now: datetime) -> Subscription:
    return _amend(cmd.subscription_id, changes.contract(cmd.term, now), caller, deps, now)


def _cadence(cmd: ChangeCadence, caller: Caller, deps: ChangeDeps, now: datetime) -> Subscription:
    return changes.change_cadence(
        caller.store_hash,
        cmd.subscription_id,
        cmd.cadence,
        uow_factory=deps.unit_of_work,
        now=now,
        customer_id=caller.customer_id,
    )


def _variant(cmd: SwapVariant, caller: Caller, deps: ChangeDeps, now: datetime) -> Subscription:
    return changes.swap_variant(
        caller.store_hash,
        cmd.subscription_id,
        cmd.product_id,
        cmd.variant_id,
        uow_factory=deps.unit_of_work,
        bc=deps.bigcommerce,
        now=now,
        customer_id=caller.customer_id,
    )


def _cancel(cmd: Cancel, caller: Caller, deps: ChangeDeps, now: datetime) -> Cancelled:
    return cancel_subscription(
        caller.store_hash,
        cmd.subscription_id,
        actor=caller.actor,
        uow_factory=deps.unit_of_work,
        ops=deps.ops_events,
        now=now,
        customer_id=caller.customer_id,
        when=cmd.when,
    )


def _retry(
    cmd: RetryPayment, caller: Caller, deps: ChangeDeps, now: datetime
) -> tuple[Subscription, int]:
    return admin.retry_payment_now(
        caller.store_hash,
        cmd.subscription_id,
        uow_factory=deps.unit_of_work,
        queue=deps.renewal_queue,
        now=now,
        customer_id=caller.customer_id,
    )


def _payment_method(
    cmd: ChangePaymentMethod, caller: Caller, deps: ChangeDeps, now: datetime
) -> list[Subscription]:
    if caller.customer_id is None:
        raise ShopperOnly("only a shopper picks one of their stored instruments")
    return change_payment_method(
        caller.store_hash,
        caller.customer_id,
        cmd.instrument_token,
        bc=deps.bigcommerce,
        uow_factory=deps.unit_of_work,
        queue=deps.renewal_queue,
        now=now,
    )


def _choose_card(
    cmd: ChooseCard, caller: Caller, deps: ChangeDeps, now: datetime
) -> tuple[Subscription, int | None]:
    # A shopper gets here only with a role that may change the card (`actor_access`): the
    # payer, or a manager the store allows; either way the card is one of the payer's.
    return admin.choose_payment_method(
        caller.store_hash,
        cmd.subscription_id,
        cmd.instrument_token,
        uow_factory=deps.unit_of_work,
        bc=deps.bigcommerce,
        queue=deps.renewal_queue,
        now=now,
        customer_id=caller.customer_id,
    )


def _add_actor(cmd: AddActor, caller: Caller, deps: ChangeDeps, now: datetime) -> Subscription:
    if caller.customer_id is not None:
        raise MerchantOnly("only the merchant changes who a subscription is for")
    return actor_changes.add_actor(
        caller.store_hash,
        cmd.subscription_id,
        cmd.customer_id,
        cmd.role,
        uow_factory=deps.unit_of_work,
        bc=deps.bigcommerce,
        now=now,
        replace_payer=cmd.replace_payer,
    )


def _remove_actor(
    cmd: RemoveActor, caller: Caller, deps: ChangeDeps, now: datetime
) -> Subscription:
    if caller.customer_id is not None:
        raise MerchantOnly("only the merchant changes who a subscription is for")
    return actor_changes.remove_actor(
        caller.store_hash,
        cmd.subscription_id,
        cmd.customer_id,
        cmd.role,
        uow_factory=deps.unit_of_work,
        now=now,
    )


def _custom_fields(
    cmd: SetCustomFields, caller: Caller, deps: ChangeDeps, now: datetime
) -> Subscription:
    return set_subscription_custom_fields(
        caller.store_hash,
        cmd.subscription_id,
        cmd.values,
        uow_factory=deps.unit_of_work,
        now=now,
        customer_id=caller.customer_id,
    )


HANDLERS: Mapping[type[Command[Any]], Handler] = MappingProxyType(
    {
        Pause: _pause,
        Resume: _resume,
        Skip: _skip,
        Cancel: _cancel,
        WithdrawScheduledCancel: _withdraw,
        ChangeQuantity: _quantity,
        ChangeCadence: _cadence,
        ChangeShippingAddress: _address,
        SwapVariant: _variant,
        SetContract: _contract,
        RetryPayment: _retry,
        ChangePaymentMethod: _payment_method,
        ChooseCard: _choose_card,
        AddActor: _add_actor,
        RemoveActor: _remove_actor,
        SetCustomFields: _custom_fields,
    }
)
