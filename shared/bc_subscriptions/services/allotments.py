"""Allotment use cases: grant, debit, reverse, suspend, resume, revoke, refresh.

Every change reads the grant, applies one domain method and writes it conditionally on the
version read; a lost race reads again and retries, so concurrent debits are exact. Every
write goes through `write_grant`, the one place a rule about the grant as a whole belongs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from ..domain.allotments import (
    AllotmentDebit,
    AllotmentGrant,
    AllotmentUnit,
    DebitSource,
    GrantedBy,
    OrderDebit,
    RefreshCadence,
    Rollover,
)
from ..domain.errors import DomainError
from ..ports.allotment_storage import AllotmentRepository, GrantChange, GrantRecord
from ..ports.storage import ConcurrencyConflict

if TYPE_CHECKING:
    from ..domain.custom_fields import CustomFieldDefinition
    from ..ports.bigcommerce import BigCommerce
    from ..ports.clock import Clock

# Racing writers of one grant: each round one of them commits, so this many rounds outlast
# any realistic burst of debits on one holder's grant; beyond it the caller gets a 409.
MAX_ATTEMPTS = 64
MAX_PAGE = 100
T = TypeVar("T")


class GrantNotFound(Exception):
    """No such grant in this store (or, for a shopper, not theirs): a 404, never a hint."""


class DebitNotFound(Exception):
    pass


class CustomerNotInStore(DomainError):
    """A grant names a customer this store does not have (checked in BigCommerce)."""

    code = "customer_not_in_store"

    def __init__(self, customer_id: int):
        super().__init__(f"customer {customer_id} is not a customer of this store")


class NewGrant(msgspec.Struct, frozen=True):
    """What a merchant (or a plan) grants; validated by the domain model when built."""

    customer_id: int
    unit: AllotmentUnit
    amount_per_period: Decimal
    granted_by: GrantedBy
    currency_code: str | None = None
    cadence: RefreshCadence | None = None
    rollover: Rollover = Rollover.NONE
    overdraft_limit: Decimal | None = None
    order_debit: OrderDebit = OrderDebit.NONE
    product_ids: tuple[int, ...] = ()
    reason: str = ""
    subscription_id: str | None = None
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)


class AllotmentDeps(msgspec.Struct, frozen=True):
    grants: AllotmentRepository
    clock: Clock
    new_id: Callable[[str], str]  # prefix -> a new unique id
    # The store's custom field definitions (a grant's values must meet the allotment_grant ones).
    custom_fields: Callable[[str], list[CustomFieldDefinition]]


class DebitOutcome(msgspec.Struct, frozen=True):
    grant: AllotmentGrant
    debit: AllotmentDebit | None  # None: nothing was available to debit
    duplicate: bool = False  # this source had debited the grant already: nothing changed


def write_grant(grants: AllotmentRepository, change: GrantChange) -> None:
    """Every write of a grant passes here (grant, debit, reversal, status, refresh)."""
    grants.write(change)


def grant_allotment(
    store_hash: str,
    request: NewGrant,
    *,
    deps: AllotmentDeps,
    bc: BigCommerce | None,
    grant_id: str | None = None,
) -> AllotmentGrant:
    """Grant an allotment; `bc` checks the customer is this store's (a plan's subscriber is).

    Raises `CustomerNotInStore` before anything is written, `ConcurrencyConflict` when
    `grant_id` was granted already (a plan's grant is granted once).
    """
    values = _grant_values(store_hash, request, deps)
    if bc is not None and not bc.customer_exists(store_hash, request.customer_id):
        raise CustomerNotInStore(request.customer_id)
    grant = AllotmentGrant.grant(
        now=deps.clock.now(),
        id=grant_id or deps.new_id("alg"),
        store_hash=store_hash,
        customer_id=request.customer_id,
        unit=request.unit,
        currency_code=request.currency_code,
        amount_per_period=request.amount_per_period,
        rollover=request.rollover,
        overdraft_limit=request.overdraft_limit,
        cadence=request.cadence,
        granted_by=request.granted_by,
        reason=request.reason,
        order_debit=request.order_debit,
        product_ids=request.product_ids,
        subscription_id=request.subscription_id,
        custom_fields=values,
    )
    write_grant(deps.grants, GrantChange(grant, None))
    return grant


def _grant_values(store_hash: str, request: NewGrant, deps: AllotmentDeps) -> dict[str, Any]:
    """The grant's custom field values, checked against the store's definitions (every error
    raised together as `InvalidCustomFields`). A plan's grant is made at checkout, where nobody
    can fill in a required field: as at a subscription's checkout, it starts without it and the
    merchant's next edit asks for it; any other error still refuses it."""
    # Only a grant checks custom fields: the refresh sweep and the revokes of an ended
    # subscription load this module, never the custom field rules.
    from ..domain.custom_fields import InvalidCustomFields, Scope, merged_values

    definitions = deps.custom_fields(store_hash)
    values, errors = merged_values(
        definitions, Scope.ALLOTMENT_GRANT, {}, request.custom_fields, by_subscriber=False
    )
    if request.granted_by.kind == "plan":
        errors = [e for e in errors if e.code != "required"]
    if errors:
        raise InvalidCustomFields(errors)
    return values


def get_grant(
    store_hash: str, grant_id: str, grants: AllotmentRepository, *, customer_id: int | None = None
) -> AllotmentGrant:
    """The grant, for its store's merchant or (with `customer_id`) its holder only."""
    record = grants.get(store_hash, grant_id)
    if record is None or (customer_id is not None and record.grant.customer_id != customer_id):
        raise GrantNotFound(grant_id)
    return record.grant


def debit_id_for(source: DebitSource, new_id: Callable[[str], str]) -> str:
    """A source's debit has a fixed id, so the same source cannot debit a grant twice."""
    if source.id is None:
        return new_id("ald")
    return f"ald_{source.kind}_{source.id.replace('#', '_')}"


def debit_allotment(
    store_hash: str,
    grant_id: str,
    *,
    amount: Decimal,
    source: DebitSource,
    deps: AllotmentDeps,
    reason: str = "",
    partial: bool = False,
) -> DebitOutcome:
    """Debit the grant once per source: a repeat answers the first debit, unchanged."""
    debit_id = debit_id_for(source, deps.new_id)

    def attempt() -> DebitOutcome:
        record = _record(deps.grants, store_hash, grant_id)
        if (earlier := deps.grants.debit(store_hash, grant_id, debit_id)) is not None:
            return DebitOutcome(record.grant, earlier, duplicate=True)
        grant = record.grant
        debit = grant.debit(
            debit_id=debit_id,
            amount=amount,
            source=source,
            now=deps.clock.now(),
            reason=reason,
            partial=partial,
        )
        if debit is not None:
            write_grant(deps.grants, GrantChange(grant, record.version, added_debit=debit))
        return DebitOutcome(grant, debit)

    return retrying(attempt)


def reverse_debit(
    store_hash: str,
    grant_id: str,
    debit_id: str,
    *,
    deps: AllotmentDeps,
    reason: str = "",
    repeat_ok: bool = False,
) -> AllotmentGrant:
    """Give the debit's amount back; a second reversal is refused (or, `repeat_ok`, a no-op)."""

    def attempt() -> AllotmentGrant:
        record = _record(deps.grants, store_hash, grant_id)
        debit = deps.grants.debit(store_hash, grant_id, debit_id)
        if debit is None:
            raise DebitNotFound(debit_id)
        if debit.reversed_at is not None and repeat_ok:
            return record.grant
        grant = record.grant
        grant.reverse(debit, now=deps.clock.now(), reason=reason)
        write_grant(deps.grants, GrantChange(grant, record.version, saved_debit=debit))
        return grant

    return retrying(attempt)


def change_status(
    store_hash: str, grant_id: str, action: str, *, deps: AllotmentDeps, reason: str = ""
) -> AllotmentGrant:
    """`suspend`, `resume` or `revoke` the grant."""

    def attempt() -> AllotmentGrant:
        record = _record(deps.grants, store_hash, grant_id)
        grant, now = record.grant, deps.clock.now()
        match action:
            case "suspend":
                grant.suspend(now=now, reason=reason)
            case "resume":
                grant.resume(now=now, reason=reason)
            case "revoke":
                grant.revoke(now=now, reason=reason)
            case _:
                raise ValueError(f"unknown action {action!r}")
        write_grant(deps.grants, GrantChange(grant, record.version))
        return grant

    return retrying(attempt)


def refresh_grant(store_hash: str, grant_id: str, *, deps: AllotmentDeps, now: datetime) -> int:
    """Start every period of the grant that has begun by `now`; how many (0: none due)."""

    def attempt() -> int:
        record = deps.grants.get(store_hash, grant_id)
        if record is None:
            return 0
        grant = record.grant
        started = grant.refresh(now)
        if started:
            write_grant(deps.grants, GrantChange(grant, record.version))
        return started

    return retrying(attempt)


def list_grants(
    store_hash: str,
    grants: AllotmentRepository,
    *,
    customer_id: int | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[AllotmentGrant], str | None]:
    page = grants.page(
        store_hash, customer_id=customer_id, cursor=cursor, limit=min(limit, MAX_PAGE)
    )
    return page.grants, page.cursor


def _record(grants: AllotmentRepository, store_hash: str, grant_id: str) -> GrantRecord:
    record = grants.get(store_hash, grant_id)
    if record is None:
        raise GrantNotFound(grant_id)
    return record


def retrying(attempt: Callable[[], T]) -> T:
    """One change of a grant, tried again while another change of it keeps landing first."""
    for _ in range(MAX_ATTEMPTS - 1):
        try:
            return attempt()
        except ConcurrencyConflict:
            continue  # another change of the grant landed first: read it again
    return attempt()
