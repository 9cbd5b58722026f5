"""A store's custom field definitions through their service, on the in-memory unit of work."""

from typing import Any

import pytest

from bc_subscriptions.adapters.memory import MemoryStore, MemoryUnitOfWork
from bc_subscriptions.services import custom_fields as svc

TIER = {"key": "tier", "scope": "subscription", "type": "enum", "label": "Tier", "choices": ["a"]}


def _define(store: MemoryStore, store_hash: str, raw: dict[str, Any]) -> None:
    svc.define_custom_field(store_hash, raw, uow=MemoryUnitOfWork(store))


def test_a_key_is_defined_once_per_store_and_a_store_holds_at_most_the_limit() -> None:
    # Given a store with one field, and a store at the limit
    store = MemoryStore()
    _define(store, "store1", TIER)
    for n in range(svc.MAX_DEFINITIONS):
        _define(store, "full", {**TIER, "key": f"f{n}"})
    # When / Then the same key again, and one more at the limit, are refused
    with pytest.raises(svc.CustomFieldExists):
        _define(store, "store1", {**TIER, "label": "Again"})
    with pytest.raises(svc.TooManyCustomFields):
        _define(store, "full", {**TIER, "key": "one_more"})
    # And another store may use the key
    _define(store, "store2", TIER)


def test_key_scope_and_type_never_change_and_an_archived_field_changes_no_more() -> None:
    # Given a field
    store = MemoryStore()
    _define(store, "store1", TIER)
    # When its type is patched, then it is refused by name
    with pytest.raises(svc.InvalidDefinition, match="type: cannot change"):
        svc.change_custom_field("store1", "tier", {"type": "text"}, uow=MemoryUnitOfWork(store))
    # When a change would make it inconsistent, then it is refused too
    with pytest.raises(svc.InvalidDefinition, match="default"):
        svc.change_custom_field("store1", "tier", {"default": "b"}, uow=MemoryUnitOfWork(store))
    # When it is archived twice, then it is archived once and refuses further changes
    first = svc.archive_custom_field("store1", "tier", uow=MemoryUnitOfWork(store))
    again = svc.archive_custom_field("store1", "tier", uow=MemoryUnitOfWork(store))
    assert first == again and first.archived
    with pytest.raises(svc.CustomFieldArchived):
        svc.change_custom_field("store1", "tier", {"label": "x"}, uow=MemoryUnitOfWork(store))


@pytest.mark.parametrize("key", ["nope", "Not A Key", "x" * 2000])
def test_a_key_the_store_does_not_have_is_not_found(key: str) -> None:
    # Given / When / Then
    store = MemoryStore()
    with pytest.raises(svc.CustomFieldNotFound):
        svc.archive_custom_field("store1", key, uow=MemoryUnitOfWork(store))
    assert list(store.keys()) == []
