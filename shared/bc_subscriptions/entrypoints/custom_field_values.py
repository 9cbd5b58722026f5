"""A subscription's custom field values, routes the admin and portal APIs share (each under
its own prefix). A shopper sees only the fields `visible_to_subscriber` and changes only those
`editable_by_subscriber`; any refused value is a 422 listing every error, nothing written."""

from __future__ import annotations

from typing import Any, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field

from ..bootstrap import container
from ..domain.custom_fields import MAX_DEFINITIONS, CustomFieldDefinition, InvalidCustomFields
from ..ports.storage import UnitOfWork
from ..services import custom_fields as svc
from ..services.commands import SetCustomFields
from .api_base import ApiModel
from .change_pipeline import CurrentCaller, run
from .responses import json_response

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class CustomFieldValuesView(ApiModel):
    subscription_id: str
    values: dict[str, Any] = Field(description="Each field's value, by key")
    definitions: list[CustomFieldDefinition] = Field(
        description="The fields the caller may see (a shopper: those visible to subscribers)"
    )

    @classmethod
    def of(cls, seen: svc.CustomFieldValues) -> CustomFieldValuesView:
        return cls(
            subscription_id=seen.subscription_id, values=seen.values, definitions=seen.definitions
        )


class CustomFieldValuesChange(ApiModel):
    model_config = ConfigDict(extra="forbid")

    values: dict[str, Any] = Field(
        max_length=MAX_DEFINITIONS,
        description="The fields to change, by key; null clears one. Others stay as they are.",
    )


@router.get("/subscriptions/<subscription_id>/custom-fields")
def get_custom_fields(subscription_id: str, caller: CurrentCaller) -> CustomFieldValuesView:
    seen = svc.subscription_custom_fields(
        caller.store_hash,
        subscription_id,
        uow=cast(UnitOfWork, container().unit_of_work()),
        customer_id=caller.customer_id,
    )
    return CustomFieldValuesView.of(seen)


@router.patch("/subscriptions/<subscription_id>/custom-fields")
def change_custom_fields(
    subscription_id: str, caller: CurrentCaller, request: CustomFieldValuesChange
) -> CustomFieldValuesView:
    """Change some values, written with `subscription.updated` (naming the keys changed)."""
    sub = run(SetCustomFields(subscription_id, request.values), caller)
    definitions = svc.list_definitions(
        caller.store_hash, uow=cast(UnitOfWork, container().unit_of_work())
    )
    return CustomFieldValuesView.of(svc.values_seen_by(sub, definitions, caller.customer_id))


@router.exception_handler(InvalidCustomFields)  # type: ignore[untyped-decorator]
def invalid_custom_fields(failure: InvalidCustomFields) -> Response[str]:
    """Every value refused, each with its key, code and why (also for a plan's values)."""
    body = {
        "error": failure.code,
        "message": "custom field values do not meet their definitions",
        "errors": [e.as_dict() for e in failure.errors],
    }
    return json_response(422, body)
