"""A customer the merchant leaves holding no role on a subscription (removed, or a replaced
payer with no other role) loses the link that files the subscription under them, in the same
change; one who keeps another role keeps it, and the owner's link always stays."""

from __future__ import annotations

from typing import Any

from .world import ApiWorld


def _linked(world: ApiWorld, customer: Any) -> list[str]:
    """The subscriptions filed under the customer, as a fresh read finds them."""
    with world.stack.uow() as uow:
        links = uow.customer_links.for_customer(world.store_hash, customer.id)
    return [link.subscription_id for link in links]


def _actors(world: ApiWorld, sub_id: str) -> str:
    return f"/admin/subscriptions/{sub_id}/actors"


def test_a_removed_manager_loses_their_link_and_the_owner_keeps_theirs(world: ApiWorld) -> None:
    # Given a subscription with a manager, filed under both
    owner, _ = world.subscribe()
    manager = world.shopper()
    sub_id = world.subscription_ids()[-1]
    session = world.session_token()
    world.call(
        "POST", _actors(world, sub_id), session, {"customer_id": manager.id, "role": "manager"}
    )
    assert _linked(world, manager) == [sub_id]
    # When the merchant removes the manager
    removed = world.call("DELETE", f"{_actors(world, sub_id)}/{manager.id}/manager", session)
    # Then the manager's link is gone and the owner's stays
    assert removed.status == 200, removed.body
    assert _linked(world, manager) == []
    assert _linked(world, owner) == [sub_id]


def test_a_customer_removed_from_one_of_two_roles_keeps_their_link(world: ApiWorld) -> None:
    # Given a customer who is both manager and beneficiary
    world.subscribe()
    helper = world.shopper()
    sub_id = world.subscription_ids()[-1]
    session = world.session_token()
    for role in ("manager", "beneficiary"):
        body = {"customer_id": helper.id, "role": role}
        added = world.call("POST", _actors(world, sub_id), session, body)
        assert added.status == 200, added.body
    # When the merchant removes the manager role
    world.call("DELETE", f"{_actors(world, sub_id)}/{helper.id}/manager", session)
    # Then the subscription stays filed under them (they still receive it)
    assert _linked(world, helper) == [sub_id]
    # And once their last role goes, so does the link
    world.call("DELETE", f"{_actors(world, sub_id)}/{helper.id}/beneficiary", session)
    assert _linked(world, helper) == []


def test_a_replaced_payer_with_no_other_role_loses_their_link_but_an_owner_never_does(
    world: ApiWorld,
) -> None:
    # Given a subscription whose owner pays
    owner, _ = world.subscribe()
    first, second = world.shopper(), world.shopper()
    sub_id = world.subscription_ids()[-1]
    session = world.session_token()
    # When the merchant makes one customer the payer, then another
    for payer in (first, second):
        body = {"customer_id": payer.id, "role": "payer", "replace_payer": True}
        replaced = world.call("POST", _actors(world, sub_id), session, body)
        assert replaced.status == 200, replaced.body
    # Then the owner (payer no longer) and the new payer are filed, the one in between is not
    assert _linked(world, owner) == [sub_id]
    assert _linked(world, first) == []
    assert _linked(world, second) == [sub_id]


def test_a_customer_removed_then_added_again_is_filed_again(world: ApiWorld) -> None:
    # Given a manager the merchant removed
    world.subscribe()
    manager = world.shopper()
    sub_id = world.subscription_ids()[-1]
    session = world.session_token()
    body = {"customer_id": manager.id, "role": "manager"}
    world.call("POST", _actors(world, sub_id), session, body)
    world.call("DELETE", f"{_actors(world, sub_id)}/{manager.id}/manager", session)
    # When the merchant adds them again
    world.call("POST", _actors(world, sub_id), session, body)
    # Then the subscription is filed under them again and their portal lists it
    assert _linked(world, manager) == [sub_id]
    token = world.emulator.current_customer_jwt(world.store_hash, manager.id)
    listing = world.call("GET", "/portal/subscriptions", str(token))
    [item] = listing.json()["items"]
    assert item["roles"] == ["manager"]
