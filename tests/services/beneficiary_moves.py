"""The merchant names another beneficiary of a membership, and providers that fail at one
chosen customer's BigCommerce call (shared by the beneficiary move tests)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from bc_subscriptions.domain.actors import Role
from bc_subscriptions.services.actor_changes import add_actor, remove_actor
from devstack.bc_emulator import customer_groups

from .entitlement_world import MembershipWorld

GET = ("GET", "/stores/*/v3/customers")
PUT = ("PUT", "/stores/*/v3/customers")


def retail_shopper(m: MembershipWorld) -> int:
    """Another shopper of the store, in the Retail group."""
    customer = m.world.shopper()
    customer_groups.move_by_hand(m.world.emulator, m.world.store_hash, customer.id, m.retail)
    return int(customer.id)


def name_beneficiary(
    m: MembershipWorld, customer_id: int, *, subscription_id: str | None = None
) -> None:
    """The merchant names `customer_id` the beneficiary of the (only) subscription."""
    if subscription_id is None:
        [sub] = m.world.subscriptions()
        subscription_id = sub.id
    now = m.world.clock.now()
    add_actor(
        m.world.store_hash,
        subscription_id,
        customer_id,
        Role.BENEFICIARY,
        uow_factory=m.world.uow,
        bc=m.world.bc,
        now=now,
    )


def remove_beneficiary(m: MembershipWorld, customer_id: int) -> None:
    """The merchant removes the named beneficiary: the owner receives again."""
    [sub] = m.world.subscriptions()
    now = m.world.clock.now()
    remove_actor(
        m.world.store_hash, sub.id, customer_id, Role.BENEFICIARY, uow_factory=m.world.uow, now=now
    )


def entitlement_payloads(m: MembershipWorld) -> list[dict[str, Any]]:
    """Every `entitlement.*` event's webhook body, in sequence order, each checked against its
    JSON schema."""
    found = sorted(
        (e for e in m.world.store.events(m.world.store_hash) if e.type.startswith("entitlement.")),
        key=lambda e: e.seq,
    )
    bodies = []
    for event in found:
        body = json.loads(event.envelope)
        schema_text = (
            resources.files("bc_subscriptions.schemas").joinpath(f"{event.type}.json").read_text()
        )
        Draft202012Validator(json.loads(schema_text)).validate(body)
        bodies.append(body)
    return bodies


class Died(BaseException):
    """The consumer's process died here (nothing of ours catches it)."""


class FaultAtCustomer:
    """The real provider; its first `method` call for `customer_id` meets an emulator fault
    (or, with `die_after`, the process dies right after that call was applied)."""

    def __init__(
        self,
        m: MembershipWorld,
        customer_id: int,
        method: str,
        kind: str | None = None,
        *,
        die_after: bool = False,
    ) -> None:
        self._m, self._customer, self._method, self._kind = m, customer_id, method, kind
        self._die_after, self._armed = die_after, True

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._m.provider, name)
        if name != self._method:
            return call

        def faulty(store_hash: str, customer_id: int, *args: Any) -> Any:
            if not self._armed or customer_id != self._customer:
                return call(store_hash, customer_id, *args)
            self._armed = False
            if self._kind is not None:
                path = GET if name == "current_group" else PUT
                self._m.world.emulator.faults.inject(*path, self._kind, times=1)
            answer = call(store_hash, customer_id, *args)
            if self._die_after:
                raise Died(f"died right after {name} for customer {customer_id}")
            return answer

        return faulty
