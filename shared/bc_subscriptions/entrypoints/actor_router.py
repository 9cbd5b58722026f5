"""Actor routes: the merchant adds and removes a subscription's actors (admin API), and a
shopper whose role allows it puts one of the payer's cards on one subscription (portal)."""

from __future__ import annotations

from typing import Annotated, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field

from ..bootstrap import container
from ..domain.actors import Role
from ..ports.storage import UnitOfWork
from ..services.actor_changes import NotAStoreCustomer
from ..services.commands import AddActor, ChooseCard, RemoveActor
from ..services.subscription_admin import owned_by_caller
from .actor_views import ActorsView
from .api_base import ApiModel
from .api_models import SubscriptionView
from .change_pipeline import CurrentCaller, run
from .input_types import Id, SingleLine
from .responses import error

admin_router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
portal_router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class ActorRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: Id
    role: Role
    # A payer is replaced, never added beside the current one (exactly one pays).
    replace_payer: bool = False


class CardRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")

    instrument_token: SingleLine = Field(min_length=1, max_length=200)


@admin_router.get("/subscriptions/<subscription_id>/actors")
def list_actors(subscription_id: str, caller: CurrentCaller) -> ActorsView:
    """Who the subscription is for: every actor (removed ones too), the payer, the beneficiary."""
    uow = cast(UnitOfWork, container().unit_of_work())
    with uow:
        return ActorsView.of(owned_by_caller(uow, caller.store_hash, subscription_id, None))


@admin_router.post("/subscriptions/<subscription_id>/actors")
def add_actor(subscription_id: str, caller: CurrentCaller, request: ActorRequest) -> ActorsView:
    """Give a customer a role; 409 `exactly_one_active_payer` for a second payer."""
    command = AddActor(subscription_id, request.customer_id, request.role, request.replace_payer)
    return ActorsView.of(run(command, caller))


@admin_router.delete("/subscriptions/<subscription_id>/actors/<customer_id>/<role>")
def remove_actor(
    subscription_id: str,
    customer_id: Annotated[int, Path(ge=1)],
    role: Role,
    caller: CurrentCaller,
) -> ActorsView:
    """End a customer's role; 409 `exactly_one_active_payer` for the only payer."""
    return ActorsView.of(run(RemoveActor(subscription_id, customer_id, role), caller))


@portal_router.put("/subscriptions/<subscription_id>/payment-method")
def choose_card(
    subscription_id: str, caller: CurrentCaller, request: CardRequest
) -> SubscriptionView:
    """One of the payer's stored cards for this subscription (the payer, or a manager where
    the store allows it); a cycle waiting on a card is retried at once."""
    sub, _ = run(ChooseCard(subscription_id, request.instrument_token), caller)
    return SubscriptionView.of(sub)


@admin_router.exception_handler(NotAStoreCustomer)  # type: ignore[untyped-decorator]
def _not_a_store_customer(failure: NotAStoreCustomer) -> Response[str]:
    return error(422, "unknown_customer", str(failure))
