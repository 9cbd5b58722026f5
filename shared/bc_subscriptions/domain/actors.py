"""Who a subscription is for: the actors and their roles, and what each role may do.

A subscription has exactly one owner (the customer whose checkout started it) and exactly one
active payer at any time; the beneficiary defaults to the owner, and any number of managers
(and organisation admins) may act for them. What a role may do is one table (`PERMISSIONS`),
read by the portal's `allowed_actions` and by the change pipeline's refusal alike, so no
feature checks a role by hand. Records stored before actors existed have none: they read as
one customer who is owner, payer and beneficiary (`default_actors`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

import msgspec

from .errors import DomainError
from .record import FieldError, FrozenRecord


class Role(StrEnum):
    OWNER = "owner"
    PAYER = "payer"
    BENEFICIARY = "beneficiary"
    MANAGER = "manager"
    ORG_ADMIN = "org_admin"


class ActorStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"


class ActorType(StrEnum):
    """Who acted, as every event records it."""

    SHOPPER = "shopper"
    MERCHANT_USER = "merchant_user"
    SYSTEM = "system"


class EventActor(FrozenRecord, frozen=True, kw_only=True):
    """The one who made a change: a shopper (customer id), a merchant user (the control-panel
    user id, None when the session does not name one) or the system (which process)."""

    type: ActorType
    id: int | str | None = None

    def as_data(self) -> dict[str, Any]:
        return {"type": self.type.value, "id": self.id}


# The renewal machinery, sweeps and workers: nobody asked, the schedule or BigCommerce did.
SYSTEM = EventActor(type=ActorType.SYSTEM, id="engine")
# Who the change being made is for. The change pipeline sets it around each command, so every
# event the command raises, in whichever service, records its caller; outside it (sweeps,
# workers, BigCommerce's webhooks) it is the system.
_ACTING: ContextVar[EventActor] = ContextVar("acting", default=SYSTEM)


def current_actor() -> EventActor:
    return _ACTING.get()


@contextmanager
def acting(actor: EventActor) -> Iterator[None]:
    """Events raised inside the block record `actor` as who acted."""
    token = _ACTING.set(actor)
    try:
        yield
    finally:
        _ACTING.reset(token)


class Action(StrEnum):
    VIEW = "view"
    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    CANCEL = "cancel"
    WITHDRAW_CANCEL = "withdraw_cancel"
    CHANGE_CARD = "change_card"
    CHANGE_ADDRESS = "change_address"
    CHANGE_QUANTITY = "change_quantity"
    CHANGE_CADENCE = "change_cadence"
    SWAP_VARIANT = "swap_variant"
    RETRY_PAYMENT = "retry_payment"
    # The custom field values the merchant lets subscribers edit (the definitions say which).
    EDIT_CUSTOM_FIELDS = "edit_custom_fields"


_A = Action
_MANAGE = frozenset(
    {
        _A.VIEW,
        _A.PAUSE,
        _A.RESUME,
        _A.SKIP,
        _A.CANCEL,
        _A.WITHDRAW_CANCEL,
        _A.CHANGE_ADDRESS,
        _A.CHANGE_QUANTITY,
        _A.CHANGE_CADENCE,
        _A.SWAP_VARIANT,
        _A.EDIT_CUSTOM_FIELDS,
    }
)
# The one table from role to what it may do. The owner runs the contract but pays only when it
# is also the payer; the payer's cards pay, so only the payer changes the card (and a manager
# when the store allows it, `MAY_CHANGE_CARD_IF_ALLOWED`); the beneficiary receives, so they
# choose where it ships, may skip a delivery they do not need and fill in what the merchant
# asks of subscribers (custom fields).
PERMISSIONS: Mapping[Role, frozenset[Action]] = MappingProxyType(
    {
        Role.OWNER: _MANAGE,
        Role.PAYER: frozenset({_A.VIEW, _A.CHANGE_CARD, _A.CANCEL, _A.RETRY_PAYMENT}),
        Role.BENEFICIARY: frozenset({_A.VIEW, _A.SKIP, _A.CHANGE_ADDRESS, _A.EDIT_CUSTOM_FIELDS}),
        Role.MANAGER: _MANAGE,
        Role.ORG_ADMIN: _MANAGE,
    }
)
MAY_CHANGE_CARD_IF_ALLOWED = frozenset({Role.MANAGER, Role.ORG_ADMIN})
# Roles held by one customer at most (among active actors); the payer rule is the one the
# decision log names: exactly one active payer at any time. A beneficiary named replaces the
# current one (by default the owner), so there is never more than one either.
SINGLE_ROLES = frozenset({Role.OWNER, Role.PAYER, Role.BENEFICIARY})


class Actor(FrozenRecord, frozen=True, kw_only=True):
    """One customer in one role on one subscription; removed actors stay, for the audit."""

    customer_id: int
    role: Role
    status: ActorStatus = ActorStatus.ACTIVE
    added_at: datetime
    added_by: EventActor = SYSTEM
    removed_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.customer_id < 1:
            raise FieldError("customer_id", "must be greater than or equal to 1")

    @property
    def active(self) -> bool:
        return self.status is ActorStatus.ACTIVE


class PayerRuleBroken(DomainError):
    """The change would leave the subscription with no active payer or with two."""

    code = "exactly_one_active_payer"


class OwnerIsFixed(DomainError):
    """The owner is the customer whose checkout started the subscription; it does not move."""

    code = "owner_is_fixed"


class ActorAlreadyInRole(DomainError):
    code = "actor_already_in_role"


class NoSuchActor(DomainError):
    code = "no_such_actor"


class RoleForbids(DomainError):
    """The caller's roles on the subscription do not allow the action."""

    code = "role_forbids_action"

    def __init__(self, roles: Iterable[Role], action: Action):
        named = ", ".join(sorted(r.value for r in roles)) or "none"
        super().__init__(f"role {named} may not {action.value} this subscription")
        self.roles = tuple(sorted(roles))
        self.action = action


def default_actors(customer_id: int, at: datetime) -> tuple[Actor, ...]:
    """A one-customer subscription: owner, payer and beneficiary (none for a guest)."""
    if customer_id <= 0:
        return ()
    return tuple(
        Actor(customer_id=customer_id, role=role, added_at=at)
        for role in (Role.OWNER, Role.PAYER, Role.BENEFICIARY)
    )


def gift_actors(buyer: int, recipient: int, at: datetime, by: EventActor) -> tuple[Actor, ...]:
    """A gift: the buyer owns and pays, the recipient receives (a different customer)."""
    if recipient == buyer:
        raise ActorAlreadyInRole("a gift's recipient is someone other than its buyer")
    return (
        Actor(customer_id=buyer, role=Role.OWNER, added_at=at, added_by=by),
        Actor(customer_id=buyer, role=Role.PAYER, added_at=at, added_by=by),
        Actor(customer_id=recipient, role=Role.BENEFICIARY, added_at=at, added_by=by),
    )


def active(actors: Iterable[Actor]) -> list[Actor]:
    return [a for a in actors if a.active]


def holder(actors: Iterable[Actor], role: Role) -> int | None:
    """The customer in a single-holder role (the first active one of any role)."""
    return next((a.customer_id for a in active(actors) if a.role is role), None)


def roles_of(actors: Iterable[Actor], customer_id: int) -> frozenset[Role]:
    return frozenset(a.role for a in active(actors) if a.customer_id == customer_id)


def customers_of(actors: Iterable[Actor]) -> frozenset[int]:
    """Every customer holding an active role (the ones the portal lists it for)."""
    return frozenset(a.customer_id for a in active(actors))


def check_rules(actors: Iterable[Actor]) -> None:
    """Exactly one active payer; at most one owner; one customer per role once."""
    live = active(actors)
    payers = sum(1 for a in live if a.role is Role.PAYER)
    if payers != 1:
        raise PayerRuleBroken(f"exactly one active payer is required, the change leaves {payers}")
    if sum(1 for a in live if a.role is Role.OWNER) > 1:
        raise OwnerIsFixed("a subscription has one owner")
    if sum(1 for a in live if a.role is Role.BENEFICIARY) > 1:
        raise ActorAlreadyInRole("a subscription has one beneficiary")
    seen = [(a.customer_id, a.role) for a in live]
    if len(set(seen)) != len(seen):
        raise ActorAlreadyInRole("a customer holds each role once")


def with_added(actors: tuple[Actor, ...], actor: Actor) -> tuple[Actor, ...]:
    """The actors with `actor` added; refused (nothing changed) if it breaks a rule."""
    if actor.role is Role.OWNER:
        raise OwnerIsFixed("the owner is the customer whose checkout started the subscription")
    if actor.role in roles_of(actors, actor.customer_id):
        raise ActorAlreadyInRole(f"customer {actor.customer_id} is already {actor.role.value}")
    if actor.role is Role.BENEFICIARY and (current := holder(actors, Role.BENEFICIARY)):
        actors = with_removed_unchecked(actors, current, Role.BENEFICIARY, actor.added_at)
    changed = (*actors, actor)
    check_rules(changed)
    return changed


def with_removed(
    actors: tuple[Actor, ...], customer_id: int, role: Role, at: datetime
) -> tuple[Actor, ...]:
    """The actors with the customer's role ended; refused if it breaks a rule."""
    if role is Role.OWNER:
        raise OwnerIsFixed("the owner cannot be removed")
    found = [a for a in actors if a.active and a.customer_id == customer_id and a.role is role]
    if not found:
        raise NoSuchActor(f"customer {customer_id} is not {role.value}")
    ended = msgspec.structs.replace(found[0], status=ActorStatus.REMOVED, removed_at=at)
    changed = tuple(ended if a is found[0] else a for a in actors)
    check_rules(changed)
    return changed


def with_payer(
    actors: tuple[Actor, ...], customer_id: int, at: datetime, by: EventActor
) -> tuple[tuple[Actor, ...], int]:
    """The payer replaced by `customer_id` in one step (the only way a payer changes, since
    adding first or removing first would break the rule in between); returns the old payer."""
    old = holder(actors, Role.PAYER)
    if old is None:
        raise PayerRuleBroken("the subscription has no active payer to replace")
    if old == customer_id:
        raise ActorAlreadyInRole(f"customer {customer_id} is already payer")
    ended = with_removed_unchecked(actors, old, Role.PAYER, at)
    changed = (*ended, Actor(customer_id=customer_id, role=Role.PAYER, added_at=at, added_by=by))
    check_rules(changed)
    return changed, old


def with_removed_unchecked(
    actors: tuple[Actor, ...], customer_id: int, role: Role, at: datetime
) -> tuple[Actor, ...]:
    return tuple(
        msgspec.structs.replace(a, status=ActorStatus.REMOVED, removed_at=at)
        if a.active and a.customer_id == customer_id and a.role is role
        else a
        for a in actors
    )


class HasActors(Protocol):
    def actors_in_force(self) -> tuple[Actor, ...]: ...


class Principal(msgspec.Struct, frozen=True):
    """Who asks: the merchant (no customer id), who may do anything, or one shopper."""

    customer_id: int | None = None
    managers_may_change_card: bool = False


def allowed_actions(subscription: HasActors, principal: Principal) -> frozenset[Action]:
    """What the principal may do with the subscription, from the roles they hold (a customer
    with none gets nothing, not even `view`)."""
    if principal.customer_id is None:
        return frozenset(Action)
    roles = roles_of(subscription.actors_in_force(), principal.customer_id)
    allowed: set[Action] = set()
    for role in roles:
        allowed |= PERMISSIONS[role]
        if principal.managers_may_change_card and role in MAY_CHANGE_CARD_IF_ALLOWED:
            allowed.add(Action.CHANGE_CARD)
    return frozenset(allowed)


def ensure_allowed(subscription: HasActors, principal: Principal, action: Action) -> None:
    """Refuse, naming the caller's roles, an action the table does not give them."""
    if action not in allowed_actions(subscription, principal):
        assert principal.customer_id is not None  # the merchant may do anything
        raise RoleForbids(roles_of(subscription.actors_in_force(), principal.customer_id), action)
