"""What a merchant or a shopper asks of their subscriptions, one small command each.

A command names the change and carries its arguments; who asks is the `Caller`, passed beside
it, so the same command means the same thing from the admin API and from the portal. The one
table from command to handler is `command_handlers.HANDLERS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from ..domain.actors import ActorType, EventActor, Role
from ..domain.subscription import Subscription
from .cancel_flow import Cancelled

if TYPE_CHECKING:
    from ..domain.contract import ContractGuard

R = TypeVar("R", covariant=True)


@dataclass(frozen=True)
class Caller:
    """A store's merchant, or (with `customer_id`) one of its shoppers, who reaches only the
    subscriptions they own: anything else is not found."""

    store_hash: str
    customer_id: int | None = None
    # The merchant's control-panel user, when the session names one.
    user_id: int | None = None

    @property
    def actor(self) -> Literal["merchant", "shopper"]:
        return "merchant" if self.customer_id is None else "shopper"

    @property
    def event_actor(self) -> EventActor:
        """Who the events of this caller's changes say acted."""
        if self.customer_id is None:
            return EventActor(type=ActorType.MERCHANT_USER, id=self.user_id)
        return EventActor(type=ActorType.SHOPPER, id=self.customer_id)


class Command(Generic[R]):
    """A change to run through the table; `R` is what its handler answers."""


@dataclass(frozen=True)
class Pause(Command[Subscription]):
    subscription_id: str
    resume_at: datetime | None = None


@dataclass(frozen=True)
class Resume(Command[Subscription]):
    subscription_id: str


@dataclass(frozen=True)
class Skip(Command[Subscription]):
    subscription_id: str


@dataclass(frozen=True)
class Cancel(Command[Cancelled]):
    subscription_id: str
    when: Literal["immediately", "period_end"] = "immediately"


@dataclass(frozen=True)
class WithdrawScheduledCancel(Command[Subscription]):
    subscription_id: str


@dataclass(frozen=True)
class ChangeQuantity(Command[Subscription]):
    subscription_id: str
    product_id: int
    quantity: int


@dataclass(frozen=True)
class ChangeCadence(Command[Subscription]):
    subscription_id: str
    cadence: str


@dataclass(frozen=True)
class ChangeShippingAddress(Command[Subscription]):
    subscription_id: str
    address: Mapping[str, str]


@dataclass(frozen=True)
class SwapVariant(Command[Subscription]):
    subscription_id: str
    product_id: int
    variant_id: int


@dataclass(frozen=True)
class SetContract(Command[Subscription]):
    """The subscription's own contract term; None: back to the store's (if it has one)."""

    subscription_id: str
    term: ContractGuard | None


@dataclass(frozen=True)
class RetryPayment(Command[tuple[Subscription, int]]):
    """Retry the declined renewal charge now; answers the subscription and the cycle."""

    subscription_id: str


@dataclass(frozen=True)
class ChangePaymentMethod(Command[list[Subscription]]):
    """Move every live subscription of the calling shopper to another stored instrument."""

    instrument_token: str


@dataclass(frozen=True)
class ChooseCard(Command[tuple[Subscription, int | None]]):
    """The merchant puts one of the customer's stored cards on one subscription; answers the
    subscription and the cycle retried at once with it (None: nothing waited on a card)."""

    subscription_id: str
    instrument_token: str


@dataclass(frozen=True)
class AddActor(Command[Subscription]):
    """The merchant gives a customer a role; a payer replaces the current one only when
    `replace_payer` says so."""

    subscription_id: str
    customer_id: int
    role: Role
    replace_payer: bool = False


@dataclass(frozen=True)
class RemoveActor(Command[Subscription]):
    subscription_id: str
    customer_id: int
    role: Role


@dataclass(frozen=True)
class SetCustomFields(Command[Subscription]):
    """Change some of the subscription's custom field values (None clears one); a shopper
    changes only the fields the merchant lets subscribers edit."""

    subscription_id: str
    values: Mapping[str, Any]
