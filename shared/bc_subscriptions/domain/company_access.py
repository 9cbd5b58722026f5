"""What a company buyer may do with their company's subscriptions (B2B Edition).

B2B Edition gives each buyer one role in their company (its users API: 0 admin, 1 senior
buyer, 2 junior buyer). On a subscription that belongs to the buyer's company that role
counts beside any actor role they hold on it:

- company admin   -> `org_admin`: acts directly and decides the company's change requests;
- senior buyer    -> `manager`: acts directly, decides nothing;
- junior buyer    -> sees the subscription; the changes a request can carry (pause, cancel,
                     skip, quantity, cadence, address) wait for a company admin or the
                     merchant, even on a subscription the junior buyer owns, since the company
                     set their role to need approval.

Reach is the buyer's own company only, in both directions: a child company's admin does not
reach its parent's subscriptions, and a parent's admin does not reach its children's (each
company in a hierarchy has its own admins in B2B Edition; the merchant reaches all). A buyer's
personal (non-company) subscriptions are untouched by any of this.

Who is calling is known once per request, when the portal authenticates the shopper
(`seated`), and read here by the reach and permission checks, which are handed only a customer
id; a seat only ever counts for the customer it was read for.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from typing import TYPE_CHECKING

import msgspec

from .actors import (
    MAY_CHANGE_CARD_IF_ALLOWED,
    PERMISSIONS,
    Action,
    Principal,
    Role,
    RoleForbids,
    allowed_actions,
    roles_of,
)
from .errors import DomainError

if TYPE_CHECKING:
    from .subscription import Subscription


class CompanyRole(StrEnum):
    ADMIN = "company_admin"
    SENIOR_BUYER = "senior_buyer"
    JUNIOR_BUYER = "junior_buyer"


# B2B Edition's numeric user roles; any other value (a custom role) is read as a junior buyer,
# as B2B Edition itself treats custom roles.
B2B_ROLES = {0: CompanyRole.ADMIN, 1: CompanyRole.SENIOR_BUYER, 2: CompanyRole.JUNIOR_BUYER}
ACTOR_ROLE = {CompanyRole.ADMIN: Role.ORG_ADMIN, CompanyRole.SENIOR_BUYER: Role.MANAGER}
# The actions a change request can carry (`change_request_commands.RequestableCommand`).
REQUESTABLE = frozenset(
    {
        Action.PAUSE,
        Action.CANCEL,
        Action.SKIP,
        Action.CHANGE_QUANTITY,
        Action.CHANGE_CADENCE,
        Action.CHANGE_ADDRESS,
    }
)
# Strongest first: the one role the portal shows as what the buyer is on the subscription.
_RANK = (Role.ORG_ADMIN, Role.OWNER, Role.MANAGER, Role.PAYER, Role.BENEFICIARY)


class CompanySeat(msgspec.Struct, frozen=True):
    """One customer's place in one company, as B2B Edition said when they called."""

    customer_id: int
    company_id: int
    role: CompanyRole


def seat_of(customer_id: int, company_id: int, b2b_role: int) -> CompanySeat:
    return CompanySeat(customer_id, company_id, B2B_ROLES.get(b2b_role, CompanyRole.JUNIOR_BUYER))


_SEAT: ContextVar[CompanySeat | None] = ContextVar("company_seat", default=None)
# (customer, subscription) whose approved request is being executed: the approver's decision
# stands in for the requester's company role while it runs.
_APPROVED: ContextVar[tuple[int, str] | None] = ContextVar("approved_change", default=None)


def seated(seat: CompanySeat | None) -> None:
    """The calling shopper's seat (None: they buy for no company) for the rest of the request.
    Set on every shopper request, so one caller's seat never outlives their request."""
    _SEAT.set(seat)


def current_seat() -> CompanySeat | None:
    return _SEAT.get()


@contextmanager
def executing_approved(customer_id: int | None, subscription_id: str) -> Iterator[None]:
    token = _APPROVED.set(None if customer_id is None else (customer_id, subscription_id))
    try:
        yield
    finally:
        _APPROVED.reset(token)


def seat_on(sub: Subscription, customer_id: int) -> CompanySeat | None:
    """The caller's seat, if it is this customer's and in the subscription's own company."""
    seat = _SEAT.get()
    if seat is None or seat.customer_id != customer_id or sub.company is None:
        return None
    return seat if sub.company.company_id == seat.company_id else None


def _approved(sub: Subscription, customer_id: int) -> bool:
    return sub.company is not None and _APPROVED.get() == (customer_id, sub.id)


def reaches(sub: Subscription, customer_id: int) -> bool:
    """The customer reaches the subscription through their company (not through an actor)."""
    return seat_on(sub, customer_id) is not None or _approved(sub, customer_id)


def company_roles(sub: Subscription, customer_id: int) -> frozenset[Role]:
    """The actor role the customer's company role counts as here (none for a junior buyer)."""
    if _approved(sub, customer_id):
        return frozenset({Role.MANAGER})
    seat = seat_on(sub, customer_id)
    role = ACTOR_ROLE.get(seat.role) if seat else None
    return frozenset() if role is None else frozenset({role})


def must_ask(sub: Subscription, customer_id: int) -> bool:
    """The customer's company role makes their changes wait for an approver."""
    seat = seat_on(sub, customer_id)
    return seat is not None and seat.role is CompanyRole.JUNIOR_BUYER


def decides_for(sub: Subscription, customer_id: int) -> bool:
    """The customer is an admin of the subscription's company."""
    seat = seat_on(sub, customer_id)
    return seat is not None and seat.role is CompanyRole.ADMIN


def direct_actions(sub: Subscription, who: Principal) -> frozenset[Action]:
    """What the shopper may do at once: their actor roles and their company role, less what a
    junior buyer must ask for."""
    assert who.customer_id is not None
    allowed = set(allowed_actions(sub, who))
    for role in company_roles(sub, who.customer_id):
        allowed |= PERMISSIONS[role]
        if who.managers_may_change_card and role in MAY_CHANGE_CARD_IF_ALLOWED:
            allowed.add(Action.CHANGE_CARD)
    if seat_on(sub, who.customer_id) is not None:
        allowed.add(Action.VIEW)
    if must_ask(sub, who.customer_id) and not _approved(sub, who.customer_id):
        allowed -= REQUESTABLE
    return frozenset(allowed)


def request_actions(sub: Subscription, who: Principal) -> frozenset[Action]:
    """What the shopper may ask for (an approver then decides)."""
    assert who.customer_id is not None
    if must_ask(sub, who.customer_id):
        return REQUESTABLE
    return frozenset()


def effective_role(sub: Subscription, customer_id: int) -> str:
    """The strongest role the customer holds here, actor or company ('none' if neither)."""
    roles = roles_of(sub.actors_in_force(), customer_id) | company_roles(sub, customer_id)
    best = next((r.value for r in _RANK if r in roles), None)
    seat = seat_on(sub, customer_id)
    if best is None and seat is not None:
        return seat.role.value
    return best or "none"


class CompanyRoleForbids(RoleForbids):
    """The caller's roles, their company role among them, do not allow the action."""

    def __init__(self, sub: Subscription, customer_id: int, action: Action):
        super().__init__(roles_of(sub.actors_in_force(), customer_id), action)
        seat = seat_on(sub, customer_id)
        self.company_role = None if seat is None else seat.role
        if seat is not None:
            self.args = (f"company role {seat.role.value} may not {action.value} directly",)


def ensure_allowed(sub: Subscription, who: Principal, action: Action, *, asking: bool) -> None:
    """Refuse an action neither done directly nor (`asking`) requested by the shopper's roles."""
    if who.customer_id is None:
        return
    allowed = direct_actions(sub, who)
    if asking:
        allowed |= request_actions(sub, who)
    if action not in allowed:
        raise CompanyRoleForbids(sub, who.customer_id, action)


class CompanyAdminOnly(DomainError):
    """Only an admin of the subscription's company (or the merchant) does this."""

    code = "company_admin_only"

    def __init__(self, sub: Subscription, customer_id: int, what: str):
        seat = seat_on(sub, customer_id)
        self.company_role = None if seat is None else seat.role
        named = "none" if seat is None else seat.role.value
        super().__init__(f"company role {named} may not {what}")


class PayerNotInCompany(DomainError):
    """A company's subscription is paid by one of that company's buyers."""

    code = "payer_not_in_company"


def ensure_company_admin(sub: Subscription, customer_id: int, what: str) -> None:
    if not decides_for(sub, customer_id):
        raise CompanyAdminOnly(sub, customer_id, what)


def ensure_payer_in_company(sub: Subscription, payer_company_id: int | None) -> None:
    assert sub.company is not None  # only a company's admin reaches this
    if payer_company_id != sub.company.company_id:
        raise PayerNotInCompany(f"the new payer is not a buyer of company {sub.company.company_id}")
