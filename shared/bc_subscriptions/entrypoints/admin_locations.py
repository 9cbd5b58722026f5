"""Admin routes for a subscription's delivery locations (one renewal order each per cycle).

A change applies from the next cycle not yet started (`applies_from_cycle` says which); a
location the rules refuse is a 422 naming the rule, with nothing written."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ConfigDict, Field

from ..bootstrap import container
from ..domain.actors import acting
from ..domain.locations import DeliveryLocation, LocationNotFound, LocationRuleBroken
from ..ports.storage import UnitOfWork
from ..services import delivery_locations as svc
from .api_base import ApiModel
from .change_pipeline import CurrentCaller
from .input_types import SingleLine
from .responses import error, json_response

router = Router()  # type: ignore[no-untyped-call]


class LocationAddress(ApiModel):
    """A full shipping address and the shipping method its orders ship by."""

    model_config = ConfigDict(extra="forbid")

    first_name: SingleLine = Field(min_length=1, max_length=100)
    last_name: SingleLine = Field(min_length=1, max_length=100)
    company: SingleLine | None = Field(default=None, max_length=255)
    street_1: SingleLine = Field(min_length=1, max_length=255)
    street_2: SingleLine | None = Field(default=None, max_length=255)
    city: SingleLine = Field(min_length=1, max_length=100)
    state: SingleLine | None = Field(default=None, max_length=100)
    zip: SingleLine = Field(min_length=1, max_length=20)
    country: SingleLine | None = Field(default=None, max_length=100)
    country_iso2: SingleLine = Field(pattern="^[A-Z]{2}$")
    phone: SingleLine | None = Field(default=None, max_length=50)
    email: SingleLine | None = Field(default=None, max_length=255)
    shipping_method: SingleLine = Field(min_length=1, max_length=100)


class NewLocation(ApiModel):
    model_config = ConfigDict(extra="forbid")

    label: SingleLine = Field(default="", max_length=100)
    address: LocationAddress
    shipping_cost_ex_tax: Decimal = Field(
        default=Decimal("0"), ge=0, description="Charged on each paid order of this location"
    )
    shipping_cost_inc_tax: Decimal | None = Field(
        default=None, ge=0, description="Defaults to shipping_cost_ex_tax"
    )
    quantities: list[int] | None = Field(
        default=None,
        max_length=100,
        description="One per subscription line, in line order (0 leaves a line out); "
        "omitted: the subscription's own quantities",
    )


class LocationView(ApiModel):
    id: str
    label: str
    address: dict[str, str]
    shipping_cost_ex_tax: Decimal
    shipping_cost_inc_tax: Decimal
    quantities: list[int] | None
    added_at: datetime

    @classmethod
    def of(cls, loc: DeliveryLocation) -> LocationView:
        return cls(
            id=loc.id,
            label=loc.label,
            address=loc.address,
            shipping_cost_ex_tax=loc.shipping_cost_ex_tax,
            shipping_cost_inc_tax=loc.shipping_cost_inc_tax,
            quantities=None if loc.quantities is None else list(loc.quantities),
            added_at=loc.added_at,
        )


class LocationsView(ApiModel):
    subscription_id: str
    applies_from_cycle: int = Field(description="The first cycle a change made now reaches")
    locations: list[LocationView]


class LocationChangeView(ApiModel):
    location: LocationView
    applies_from_cycle: int = Field(description="The first cycle the change reaches")


@router.get("/admin/subscriptions/<subscription_id>/locations")
def list_locations(subscription_id: str, caller: CurrentCaller) -> LocationsView:
    c = container()
    uow = cast(UnitOfWork, c.unit_of_work())
    found = svc.list_locations(caller.store_hash, subscription_id, uow=uow)
    return LocationsView(
        subscription_id=subscription_id,
        applies_from_cycle=found.applies_from_cycle,
        locations=[LocationView.of(loc) for loc in found.locations],
    )


@router.post("/admin/subscriptions/<subscription_id>/locations")
def add_location(
    subscription_id: str, request: NewLocation, caller: CurrentCaller
) -> Response[str]:
    """Ship to one more location (one more order per cycle), from the next cycle not started."""
    c = container()
    fields = request.model_dump(mode="json", exclude_none=True)
    try:
        with acting(caller.event_actor):
            change = svc.add_location(
                caller.store_hash,
                subscription_id,
                fields,
                uow=cast(UnitOfWork, c.unit_of_work()),
                now=c.clock.now(),
            )
    except LocationRuleBroken as refused:
        return error(422, refused.code, str(refused))
    return _change(201, change)


@router.delete("/admin/subscriptions/<subscription_id>/locations/<location_id>")
def remove_location(subscription_id: str, location_id: str, caller: CurrentCaller) -> Response[str]:
    """Stop shipping to a location, from the next cycle not started."""
    c = container()
    try:
        with acting(caller.event_actor):
            change = svc.remove_location(
                caller.store_hash,
                subscription_id,
                location_id,
                uow=cast(UnitOfWork, c.unit_of_work()),
                now=c.clock.now(),
            )
    except LocationNotFound as missing:
        return error(404, missing.code, str(missing))
    except LocationRuleBroken as refused:
        return error(422, refused.code, str(refused))
    return _change(200, change)


def _change(status: int, change: svc.LocationChange) -> Response[str]:
    # Shaped here (not by the resolver) so the refusals above can answer from the same route.
    view = LocationChangeView(
        location=LocationView.of(change.location), applies_from_cycle=change.applies_from_cycle
    )
    return json_response(status, view.model_dump(mode="json"))
