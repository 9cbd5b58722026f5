"""The one table from command to handler behind every change the admin and portal APIs make."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, get_type_hints

import pytest

from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.subscription import Subscription
from bc_subscriptions.services import commands
from bc_subscriptions.services.command_handlers import (
    HANDLERS,
    ShopperOnly,
    UnknownCommand,
    handle,
)
from bc_subscriptions.services.commands import (
    Caller,
    ChangePaymentMethod,
    Command,
    Pause,
)
from bc_subscriptions.services.subscription_admin import SubscriptionNotFound

from .factories import NOW, subscription


def _declared_commands() -> set[type[Command[Any]]]:
    return {
        kind
        for _, kind in inspect.getmembers(commands, inspect.isclass)
        if issubclass(kind, Command)
        and kind is not Command
        and kind.__module__ == commands.__name__
    }


class Untouchable:
    """Deps no refused command may reach: any use of them fails the test."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"{name} was used")


class NoChargeInProgress:
    def get(self, store_hash: str, subscription_id: str, cycle: int) -> None:
        return None


class OneSubscriptionUnitOfWork:
    """Just enough storage for one subscription's change: get, spend, save, commit (and no
    renewal running, which a pause would otherwise wait for)."""

    def __init__(self, sub: Subscription) -> None:
        self.stored = sub
        self.saved: list[Subscription] = []
        self.committed = 0
        self.subscriptions = self
        self.rate_limits = self
        self.charges = NoChargeInProgress()

    def __enter__(self) -> OneSubscriptionUnitOfWork:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None

    def get(self, store_hash: str, subscription_id: str) -> Subscription | None:
        found = (store_hash, subscription_id) == (self.stored.store_hash, self.stored.id)
        return self.stored if found else None

    def spend(
        self, store_hash: str, key: str, *, limit: int, window: timedelta, now: datetime
    ) -> float | None:
        return None

    def save(self, sub: Subscription) -> None:
        self.saved.append(sub)

    def commit(self) -> None:
        self.committed += 1


class StorageOnly(Untouchable):
    def __init__(self, uow: OneSubscriptionUnitOfWork) -> None:
        self._uow = uow

    def unit_of_work(self) -> OneSubscriptionUnitOfWork:
        return self._uow


def test_every_command_has_exactly_one_handler_written_for_it() -> None:
    # Given the commands the services module declares
    declared = _declared_commands()
    # When the table is read
    # Then it holds every one of them and nothing else
    assert declared, "no commands found"
    assert set(HANDLERS) == declared
    # And each command's handler takes that command, so no handler serves two of them
    for kind, handler in HANDLERS.items():
        first = next(iter(inspect.signature(handler).parameters))
        assert get_type_hints(handler)[first] is kind, f"{kind.__name__} -> {handler.__name__}"
    assert len(set(HANDLERS.values())) == len(HANDLERS)


def test_an_unknown_command_is_refused_before_anything_is_read() -> None:
    # Given a command the table does not know
    @dataclass(frozen=True)
    class Teleport(Command[None]):
        subscription_id: str

    # When it is handled
    # Then it is refused by name, and no adapter was touched
    with pytest.raises(UnknownCommand, match="Teleport"):
        handle(Teleport("sub_1"), Caller("store1"), Untouchable(), NOW)  # type: ignore[arg-type]


def test_a_merchant_cannot_move_a_shoppers_payment_method() -> None:
    # Given the merchant's caller (no customer id)
    merchant = Caller("store1")
    # When they ask for a shopper's payment-method change
    # Then it is refused before BigCommerce or storage are used
    with pytest.raises(ShopperOnly):
        handle(ChangePaymentMethod("tok_2"), merchant, Untouchable(), NOW)  # type: ignore[arg-type]


def test_a_shoppers_pause_reaches_only_their_own_subscription() -> None:
    # Given a subscription of customer 7
    sub = subscription(customer_id=7)
    uow = OneSubscriptionUnitOfWork(sub)
    # When customer 8 of the same store asks to pause it
    # Then it is not found for them, and nothing is saved or committed
    with pytest.raises(SubscriptionNotFound):
        handle(Pause(sub.id), Caller("store1", 8), StorageOnly(uow), NOW)  # type: ignore[arg-type]
    assert (uow.saved, uow.committed, sub.status) == ([], 0, Status.ACTIVE)
    # And when customer 7 asks, it is paused and committed with its event
    paused = handle(Pause(sub.id), Caller("store1", 7), StorageOnly(uow), NOW)  # type: ignore[arg-type]
    assert paused.status == Status.PAUSED
    assert (uow.saved, uow.committed) == ([sub], 1)
    assert [e.type for e in sub.pull_events()][-1] == "subscription.paused"


def test_the_caller_is_a_shopper_only_with_a_customer_id() -> None:
    # Given a merchant's and a shopper's caller
    # Then cancels and limits are recorded for the right actor
    assert Caller("store1").actor == "merchant"
    assert Caller("store1", 7).actor == "shopper"
