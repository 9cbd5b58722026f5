"""A store's custom field definitions (define, change, archive) and a subscription's values.

What may change on a definition: everything but its `key`, `scope` and `type`, which stored
values depend on (a value is read as its type; a key moved to another scope would orphan
them). We cannot tell cheaply whether a definition has data (that would scan the store's
records), so every definition is treated as having some: a tightened rule (pattern, shorter
`max_length`, fewer choices, newly required) applies from the next write of that field on,
and stored values stay as they are. Archiving is forward-only: an archived definition is not
changed or restored, and its key is not reused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from ..domain.custom_field_entry import CustomFieldsAmendment
from ..domain.custom_fields import (
    KEY_PATTERN,
    MAX_DEFINITIONS,
    CustomFieldDefinition,
    Scope,
    validated_custom_fields,
    visible_custom_fields,
)
from ..domain.errors import DomainError
from ..domain.record import problem_at, to_json_data
from ..ports.storage import ConcurrencyConflict, UnitOfWork
from .subscription_admin import change_subscription, owned_by_caller

if TYPE_CHECKING:
    from ..domain.plan import Plan
    from ..domain.subscription import Subscription

_KEY = re.compile(KEY_PATTERN)
IMMUTABLE = frozenset({"key", "scope", "type", "archived"})


class CustomFieldNotFound(Exception):
    """The store defines no field with this key."""


class CustomFieldExists(DomainError):
    code = "custom_field_exists"


class TooManyCustomFields(DomainError):
    code = "too_many_custom_fields"


class CustomFieldArchived(DomainError):
    code = "custom_field_archived"


class InvalidDefinition(Exception):
    """The definition would not be valid; `fields` names each place (location, why)."""

    def __init__(self, fields: list[tuple[tuple[str | int, ...], str]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {why}" for loc, why in fields))
        self.fields = fields


def _definition(raw: Mapping[str, Any]) -> CustomFieldDefinition:
    try:
        # Strict: a flag is true or false, a length a number (the API sends them typed).
        return msgspec.convert(dict(raw), type=CustomFieldDefinition, strict=True)
    except msgspec.ValidationError as exc:
        raise InvalidDefinition([problem_at(exc)]) from exc


def list_definitions(store_hash: str, *, uow: UnitOfWork) -> list[CustomFieldDefinition]:
    with uow:
        return uow.custom_fields.definitions(store_hash)


def define_custom_field(
    store_hash: str, raw: Mapping[str, Any], *, uow: UnitOfWork
) -> CustomFieldDefinition:
    """A new definition; a key the store has (archived ones included) is refused."""
    definition = _definition(raw)
    with uow:
        existing = uow.custom_fields.definitions(store_hash)
        if any(d.key == definition.key for d in existing):
            raise CustomFieldExists(f"the store already has a custom field {definition.key!r}")
        if len(existing) >= MAX_DEFINITIONS:
            raise TooManyCustomFields(f"a store has at most {MAX_DEFINITIONS} custom fields")
        uow.custom_fields.add(store_hash, definition)
        try:
            uow.commit()
        except ConcurrencyConflict as exc:  # the same key, defined meanwhile
            raise CustomFieldExists(
                f"the store already has a custom field {definition.key!r}"
            ) from exc
    return definition


def change_custom_field(
    store_hash: str, key: str, patch: Mapping[str, Any], *, uow: UnitOfWork
) -> CustomFieldDefinition:
    """The definition with `patch` applied (see the module's note on what may change): a
    field set to None in `patch` goes back to having none (no default, no pattern...)."""
    if fixed := sorted(IMMUTABLE & set(patch)):
        raise InvalidDefinition([((name,), "cannot change") for name in fixed])
    with uow:
        current = _current(uow, store_hash, key)
        changed = _definition({**to_json_data(current), **patch})
        uow.custom_fields.save(store_hash, changed)
        uow.commit()
    return changed


def archive_custom_field(store_hash: str, key: str, *, uow: UnitOfWork) -> CustomFieldDefinition:
    """Archived: hidden from new entry, its values kept; archiving twice changes nothing."""
    with uow:
        current = _existing(uow, store_hash, key)
        if current.archived:
            return current
        archived = msgspec.structs.replace(current, archived=True)
        uow.custom_fields.save(store_hash, archived)
        uow.commit()
    return archived


def _existing(uow: UnitOfWork, store_hash: str, key: str) -> CustomFieldDefinition:
    # A key no definition can have is not looked up (nor sent to DynamoDB as a key).
    current = uow.custom_fields.get(store_hash, key) if _KEY.fullmatch(key) else None
    if current is None:
        raise CustomFieldNotFound(key)
    return current


def _current(uow: UnitOfWork, store_hash: str, key: str) -> CustomFieldDefinition:
    current = _existing(uow, store_hash, key)
    if current.archived:
        raise CustomFieldArchived(f"{key!r} is archived: it no longer changes")
    return current


def plan_with_custom_fields(
    plan: Plan, previous: Plan | None, definitions: list[CustomFieldDefinition]
) -> Plan:
    """The plan document replaces the plan, its values included: a key the document leaves
    out is cleared, except an archived field's (its value is kept, as everywhere). Values
    are validated against the store's plan definitions, every error listed."""
    before = previous.custom_fields if previous is not None else {}
    archived = {d.key for d in definitions if d.scope == Scope.PLAN and d.archived}
    cleared = {k: None for k in before if k not in plan.custom_fields and k not in archived}
    values = validated_custom_fields(
        definitions, Scope.PLAN, before, {**cleared, **plan.custom_fields}
    )
    return msgspec.structs.replace(plan, custom_fields=values)


class CustomFieldValues(msgspec.Struct, frozen=True):
    """A subscription's values and the definitions they answer to, as the caller may see
    them: a subscriber is shown only fields `visible_to_subscriber`."""

    subscription_id: str
    values: dict[str, Any]
    definitions: list[CustomFieldDefinition]


def values_seen_by(
    sub: Subscription, definitions: list[CustomFieldDefinition], customer_id: int | None
) -> CustomFieldValues:
    own = [d for d in definitions if d.scope == Scope.SUBSCRIPTION]
    if customer_id is None:
        return CustomFieldValues(sub.id, dict(sub.custom_fields), own)
    shown = [d for d in own if d.visible_to_subscriber]
    return CustomFieldValues(
        sub.id, visible_custom_fields(shown, Scope.SUBSCRIPTION, sub.custom_fields), shown
    )


def subscription_custom_fields(
    store_hash: str,
    subscription_id: str,
    *,
    uow: UnitOfWork,
    customer_id: int | None = None,
) -> CustomFieldValues:
    with uow:
        sub = _subscription(uow, store_hash, subscription_id, customer_id)
        return values_seen_by(sub, uow.custom_fields.definitions(store_hash), customer_id)


def _subscription(
    uow: UnitOfWork, store_hash: str, subscription_id: str, customer_id: int | None
) -> Subscription:
    # A shopper reads the values of any subscription they hold a role on, as every other
    # portal route lets them (a gift's recipient fills in what the merchant asks of them).
    return owned_by_caller(uow, store_hash, subscription_id, customer_id)


def set_subscription_custom_fields(
    store_hash: str,
    subscription_id: str,
    changes: Mapping[str, Any],
    *,
    uow_factory: Callable[[], UnitOfWork],
    now: datetime,
    customer_id: int | None = None,
) -> Subscription:
    """Change some of a subscription's values (None clears one): validated against the
    store's subscription definitions, every error listed (InvalidCustomFields), and written
    with its `subscription.updated` in one transaction, or not at all.

    The definitions are read as committed when the change runs, not locked with it: a
    definition changed at that very moment applies from the next write (as a tightened rule
    does anyway)."""
    reads = uow_factory()

    def _change(sub: Subscription) -> None:
        definitions = reads.custom_fields.definitions(store_hash)
        values = validated_custom_fields(
            definitions,
            Scope.SUBSCRIPTION,
            sub.custom_fields,
            changes,
            by_subscriber=customer_id is not None,
        )
        sub.amend(CustomFieldsAmendment(values), now)

    return change_subscription(
        store_hash,
        subscription_id,
        _change,
        uow_factory=uow_factory,
        now=now,
        customer_id=customer_id,
    )
