"""The admin API's caller: the store named by a verified session token."""

from __future__ import annotations

from collections.abc import Mapping

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.request import Request
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ..bootstrap import container
from ..observability import logger
from ..services.admin_session import (
    AdminSession,
    InvalidSession,
    bearer,
    check_session_current,
    renew_session_token,
    verify_session_token,
)
from ..services.commands import Caller
from .api_models import SessionRenewal
from .responses import error

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


def session_store(headers: Mapping[str, str]) -> str:
    """The session's store, once the token verifies and its store and user still have the app."""
    return session_of(headers).store_hash


def session_of(headers: Mapping[str, str]) -> AdminSession:
    """The verified session (its store and the store user acting), as `session_store` checks."""
    c = container()
    token = bearer(headers.get("authorization"))
    session = verify_session_token(token, client_secret=c.client_secret(), now=c.wall_clock.now())
    check_session_current(session, installs=c.installs, removed_users=c.removed_users)
    return session


def merchant(request: Request) -> Caller:
    """The admin API's caller of the shared routes: the session's store and user."""
    session = session_of(request.headers)
    return Caller(session.store_hash, user_id=session.user_id)


def anonymous(headers: Mapping[str, str]) -> Response[str] | None:
    """The 401 for a caller without a valid session, before anything they sent is read."""
    try:
        session_store(headers)
    except InvalidSession as failure:
        return unauthorized(failure)
    return None


def unauthorized(failure: InvalidSession) -> Response[str]:
    logger.info("admin session rejected", code=failure.code)
    return error(401, "unauthorized", f"session token: {failure.code}")


@router.post("/session")
def renew_session(request: Request) -> SessionRenewal:
    """A fresh session token for a valid one (the control-panel app renews before expiry);
    `401 unauthorized` with `reload_required` once the app must be reopened from BigCommerce."""
    c = container()
    renewed = renew_session_token(
        bearer(request.headers.get("authorization")),
        installs=c.installs,
        removed_users=c.removed_users,
        client_secret=c.client_secret(),
        now=c.wall_clock.now(),
    )
    return SessionRenewal(token=renewed.token, expires_at=renewed.expires_at)
