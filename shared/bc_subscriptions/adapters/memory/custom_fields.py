"""A store's custom field definitions in memory, staged and committed like the DynamoDB ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain.custom_fields import CustomFieldDefinition
from ...domain.record import from_json, to_json
from ..dynamodb import keys

if TYPE_CHECKING:
    from .unit_of_work import MemoryUnitOfWork


class MemoryCustomFields:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self._uow = uow

    def definitions(self, store_hash: str) -> list[CustomFieldDefinition]:
        low = keys.custom_field_sk("")
        docs = self._uow.query(keys.store_pk(store_hash), low, low + "\uffff")
        return [from_json(CustomFieldDefinition, doc) for doc in docs]

    def get(self, store_hash: str, key: str) -> CustomFieldDefinition | None:
        doc = self._uow.load(self._key(store_hash, key))
        return None if doc is None else from_json(CustomFieldDefinition, doc)

    def add(self, store_hash: str, definition: CustomFieldDefinition) -> None:
        key = self._key(store_hash, definition.key)
        self._uow.stage_add(key, to_json(definition), versioned=True)

    def save(self, store_hash: str, definition: CustomFieldDefinition) -> None:
        key = self._key(store_hash, definition.key)
        self._uow.stage_save(key, to_json(definition), versioned=True)

    @staticmethod
    def _key(store_hash: str, key: str) -> tuple[str, str]:
        return keys.store_pk(store_hash), keys.custom_field_sk(key)
