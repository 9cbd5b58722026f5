"""The admin API's caller: the store named by a verified session token."""

from __future__ import annotations

from collections.abc import Mapping

from ..bootstrap import container
from ..services.admin_session import bearer, check_session_current, verify_session_token


def session_store(headers: Mapping[str, str]) -> str:
    """The session's store, once the token verifies and its store and user still have the app."""
    c = container()
    token = bearer(headers.get("authorization"))
    session = verify_session_token(token, client_secret=c.client_secret(), now=c.wall_clock.now())
    check_session_current(session, installs=c.installs, removed_users=c.removed_users)
    return session.store_hash
