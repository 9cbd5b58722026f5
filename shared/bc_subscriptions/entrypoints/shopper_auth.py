"""The portal API's caller: the shopper named by BigCommerce's current-customer JWT, of a store
that still has the app installed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.request import Request

from ..bootstrap import container
from ..observability import logger
from ..ports.storage import UnitOfWork
from ..services.admin_session import InvalidSession, bearer
from ..services.commands import Caller
from ..services.company_seats import seat_caller
from ..services.customer_jwt import InvalidCustomerToken, verify_customer_jwt
from .responses import error


def shopper_of(headers: Mapping[str, str]) -> Caller:
    c = container()
    token = bearer(headers.get("authorization"))
    shopper = verify_customer_jwt(
        token,
        client_secret=c.client_secret(),
        client_id=c.settings.bc_client_id,
        now=c.wall_clock.now(),
    )
    install = c.installs.get(shopper.store_hash)
    if install is None or install.status != "installed":
        raise InvalidCustomerToken("store_not_installed")
    # Every shopper request sets its own seat (or none), so a previous caller's never counts.
    uow = cast(UnitOfWork, c.unit_of_work())
    seat_caller(uow, c.company_directory, shopper.store_hash, shopper.customer_id)
    return Caller(shopper.store_hash, shopper.customer_id)


def shopper(request: Request) -> Caller:
    """The portal API's caller of the shared routes: the shopper, scoped to what they own."""
    return shopper_of(request.headers)


def anonymous(headers: Mapping[str, str]) -> Response[str] | None:
    """The 401 for a caller without a valid customer token, before anything they sent is read."""
    try:
        shopper_of(headers)
    except InvalidSession as failure:
        return no_token(failure)
    except InvalidCustomerToken as failure:
        return unauthorized(failure)
    return None


def no_token(failure: InvalidSession) -> Response[str]:
    return error(401, "unauthorized", f"customer token: {failure.code}")


def unauthorized(failure: InvalidCustomerToken) -> Response[str]:
    logger.info("customer token rejected", code=failure.code)
    return error(401, "unauthorized", f"customer token: {failure.code}")
