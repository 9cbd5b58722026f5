"""The merchant's custom field definitions: list, define, change and archive (under /admin).

What may change on a definition is in `services.custom_fields`: everything but its key,
scope and type. Values are set on their records (a subscription's `custom-fields` route, a
plan's document), each validated against these definitions.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

import msgspec
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field, StrictBool, model_validator

from ..bootstrap import container
from ..domain.custom_fields import (
    KEY_PATTERN,
    MAX_CHOICES,
    MAX_TEXT_LENGTH,
    CustomFieldDefinition,
    FieldType,
    Scope,
)
from ..domain.record import problem_at, to_json_data
from ..ports.storage import UnitOfWork
from ..services import custom_fields as svc
from .api_base import ApiModel
from .change_pipeline import CurrentCaller
from .responses import error, json_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class CustomFieldList(ApiModel):
    items: list[CustomFieldDefinition]


class NewCustomField(ApiModel):
    """A definition as the merchant sends it; refused field by field, then by the definition's
    own rules (`CustomFieldDefinition`), each as a 422 `invalid_request`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=KEY_PATTERN)
    scope: Scope
    type: FieldType
    label: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=500)
    required: StrictBool = False
    default: Any = None
    pattern: str | None = Field(default=None, max_length=200)
    max_length: int | None = Field(default=None, ge=1, le=MAX_TEXT_LENGTH)
    choices: tuple[str, ...] = Field(default=(), max_length=MAX_CHOICES)
    visible_to_subscriber: StrictBool = False
    editable_by_subscriber: StrictBool = False
    archived: StrictBool = False

    @model_validator(mode="after")
    def _consistent(self) -> NewCustomField:
        try:
            msgspec.convert(self.model_dump(), type=CustomFieldDefinition)
        except msgspec.ValidationError as exc:
            raise ValueError(problem_at(exc)[1]) from None
        return self


class CustomFieldPatch(ApiModel):
    """The fields to change; one set to null goes back to none. `key`, `scope` and `type`
    never change (stored values depend on them); archiving has its own route."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(default=None, min_length=1, max_length=100)
    description: str | None = Field(default=None, max_length=500)
    required: StrictBool | None = None
    default: Any = None
    pattern: str | None = Field(default=None, max_length=200)
    max_length: int | None = Field(default=None, ge=1, le=MAX_TEXT_LENGTH)
    choices: list[str] | None = Field(default=None, max_length=MAX_CHOICES)
    visible_to_subscriber: StrictBool | None = None
    editable_by_subscriber: StrictBool | None = None


def _uow() -> UnitOfWork:
    return cast(UnitOfWork, container().unit_of_work())


@router.get("/custom-fields")
def list_custom_fields(
    caller: CurrentCaller, scope: Annotated[Scope | None, Query()] = None
) -> CustomFieldList:
    """The store's definitions in key order, archived ones included (`archived: true`)."""
    found = svc.list_definitions(caller.store_hash, uow=_uow())
    return CustomFieldList(items=[d for d in found if scope is None or d.scope == scope])


@router.post("/custom-fields")
def define_custom_field(caller: CurrentCaller, request: NewCustomField) -> Response[str]:
    """Define a field; 409 `custom_field_exists` for a key the store has (archived too)."""
    if request.archived:
        raise RequestValidationError(
            [{"loc": ("body", "archived"), "msg": "a new field is not archived", "type": "value"}]
        )
    added = svc.define_custom_field(caller.store_hash, request.model_dump(), uow=_uow())
    return json_response(201, to_json_data(added))


@router.patch("/custom-fields/<key>")
def change_custom_field(
    key: str, caller: CurrentCaller, request: CustomFieldPatch
) -> CustomFieldDefinition:
    patch = request.model_dump(exclude_unset=True)
    return svc.change_custom_field(caller.store_hash, key, patch, uow=_uow())


@router.post("/custom-fields/<key>/archive")
def archive_custom_field(key: str, caller: CurrentCaller) -> CustomFieldDefinition:
    """Hidden from new entry from now on; the values records hold are kept. Forward-only."""
    return svc.archive_custom_field(caller.store_hash, key, uow=_uow())


@router.exception_handler(svc.CustomFieldNotFound)  # type: ignore[untyped-decorator]
def _not_found(_: svc.CustomFieldNotFound) -> Response[str]:
    return error(404, "not_found", "no such custom field")


@router.exception_handler(svc.InvalidDefinition)  # type: ignore[untyped-decorator]
def _invalid_definition(failure: svc.InvalidDefinition) -> Response[str]:
    fields = [{"field": list(loc), "message": message} for loc, message in failure.fields]
    body = {"error": "invalid_definition", "message": str(failure), "fields": fields}
    return json_response(422, body)
