"""The company roles' rules, without I/O: B2B Edition's role values to what a buyer may do on
their company's subscriptions, and the one-company reach."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bc_subscriptions.domain import company_access as ca
from bc_subscriptions.domain.actors import Action, Principal, RoleForbids
from bc_subscriptions.domain.company import CompanyMembership
from bc_subscriptions.domain.subscription import Subscription

from .factories import subscription

OWNER, BUYER = 7, 42


@pytest.fixture(autouse=True)
def no_seat() -> Iterator[None]:
    yield
    ca.seated(None)


def _company_sub(company_id: int = 5, parent: int | None = None) -> Subscription:
    sub = subscription(customer_id=OWNER)
    sub.company = CompanyMembership(company_id=company_id, parent_company_id=parent)
    return sub


@pytest.mark.parametrize(
    ("b2b_role", "role"),
    [
        (0, ca.CompanyRole.ADMIN),
        (1, ca.CompanyRole.SENIOR_BUYER),
        (2, ca.CompanyRole.JUNIOR_BUYER),
        (7, ca.CompanyRole.JUNIOR_BUYER),
    ],
)
def test_b2b_editions_role_values_map_to_company_roles_and_an_unknown_one_to_the_least(
    b2b_role: int, role: ca.CompanyRole
) -> None:
    assert ca.seat_of(BUYER, 5, b2b_role).role is role


@pytest.mark.parametrize(
    ("b2b_role", "effective", "cancels", "decides"),
    [(0, "org_admin", True, True), (1, "manager", True, False), (2, "junior_buyer", False, False)],
)
def test_a_buyers_company_role_on_their_companys_subscription(
    b2b_role: int, effective: str, cancels: bool, decides: bool
) -> None:
    # Given a buyer seated in the subscription's company with no actor role on it
    sub = _company_sub()
    ca.seated(ca.seat_of(BUYER, 5, b2b_role))
    who = Principal(BUYER)
    # Then they reach it, with what their company role gives
    assert ca.reaches(sub, BUYER)
    assert ca.effective_role(sub, BUYER) == effective
    assert (Action.CANCEL in ca.direct_actions(sub, who)) is cancels
    assert Action.VIEW in ca.direct_actions(sub, who)
    assert ca.decides_for(sub, BUYER) is decides


def test_a_junior_buyer_asks_even_for_what_their_ownership_allows() -> None:
    # Given a junior buyer who owns their company's subscription
    sub = _company_sub()
    ca.seated(ca.seat_of(OWNER, 5, 2))
    who = Principal(OWNER)
    # Then the changes a request carries are asked for, the rest of the owner's are theirs
    assert ca.REQUESTABLE.isdisjoint(ca.direct_actions(sub, who))
    assert ca.request_actions(sub, who) == ca.REQUESTABLE
    assert Action.SWAP_VARIANT in ca.direct_actions(sub, who)
    ca.ensure_allowed(sub, who, Action.CANCEL, asking=True)
    with pytest.raises(RoleForbids) as refused:
        ca.ensure_allowed(sub, who, Action.CANCEL, asking=False)
    assert "junior_buyer" in str(refused.value)


def test_an_approved_request_runs_with_a_managers_rights_for_that_subscription_only() -> None:
    sub, other = _company_sub(), _company_sub()
    ca.seated(ca.seat_of(OWNER, 5, 2))
    with ca.executing_approved(OWNER, sub.id):
        assert Action.CANCEL in ca.direct_actions(sub, Principal(OWNER))
        assert Action.CANCEL not in ca.direct_actions(other, Principal(OWNER))
    assert Action.CANCEL not in ca.direct_actions(sub, Principal(OWNER))


@pytest.mark.parametrize(
    ("seat_company", "sub_company", "parent"),
    [(6, 5, None), (6, 5, 6), (5, 6, 5)],
    ids=["another company", "parent's admin on a child's", "child's admin on the parent's"],
)
def test_a_seat_counts_in_its_own_company_only(
    seat_company: int, sub_company: int, parent: int | None
) -> None:
    sub = _company_sub(sub_company, parent)
    ca.seated(ca.seat_of(BUYER, seat_company, 0))
    assert not ca.reaches(sub, BUYER)
    assert ca.company_roles(sub, BUYER) == frozenset()
    assert not ca.decides_for(sub, BUYER)


def test_a_seat_never_counts_for_another_customer_nor_on_a_personal_subscription() -> None:
    ca.seated(ca.seat_of(BUYER, 5, 0))
    assert not ca.reaches(_company_sub(), BUYER + 1)
    assert not ca.reaches(subscription(customer_id=OWNER), BUYER)
    assert ca.effective_role(subscription(customer_id=OWNER), OWNER) == "owner"
