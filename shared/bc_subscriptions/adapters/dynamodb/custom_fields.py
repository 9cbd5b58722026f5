"""A store's custom field definitions: one versioned item per key in the store's partition,
staged with the rest of the unit of work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...domain.custom_fields import CustomFieldDefinition
from ...domain.record import from_json, to_json
from . import keys
from .errors import translated_errors
from .models import CustomFieldItem

if TYPE_CHECKING:
    from .unit_of_work import DynamoUnitOfWork


class DynamoCustomFields:
    def __init__(self, uow: DynamoUnitOfWork) -> None:
        self._uow = uow

    def definitions(self, store_hash: str) -> list[CustomFieldDefinition]:
        with translated_errors():
            items = list(
                CustomFieldItem.query(
                    keys.store_pk(store_hash),
                    CustomFieldItem.sk.startswith(keys.CUSTOM_FIELD),
                    consistent_read=True,
                )
            )
        for item in items:
            self._uow._loaded[(item.pk, item.sk)] = item
        return [from_json(CustomFieldDefinition, item.doc) for item in items]

    def get(self, store_hash: str, key: str) -> CustomFieldDefinition | None:
        item = self._uow.load(CustomFieldItem, keys.store_pk(store_hash), keys.custom_field_sk(key))
        return None if item is None else from_json(CustomFieldDefinition, item.doc)

    def add(self, store_hash: str, definition: CustomFieldDefinition) -> None:
        item = CustomFieldItem(keys.store_pk(store_hash), keys.custom_field_sk(definition.key))
        self._uow.stage(
            self._fill(item, store_hash, definition), CustomFieldItem.pk.does_not_exist()
        )

    def save(self, store_hash: str, definition: CustomFieldDefinition) -> None:
        item = self._uow.loaded(keys.store_pk(store_hash), keys.custom_field_sk(definition.key))
        self._uow.stage(self._fill(item, store_hash, definition))  # versioned: a lock condition

    @staticmethod
    def _fill(
        item: CustomFieldItem, store_hash: str, definition: CustomFieldDefinition
    ) -> CustomFieldItem:
        item.store_hash, item.key, item.doc = (
            store_hash,
            definition.key,
            to_json(definition),
        )
        return item
