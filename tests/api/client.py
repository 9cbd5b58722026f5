"""Calls the admin and portal APIs as their callers do, on the in-memory container: the same
helpers as `tests/integration/admin_api_client.py`, so a matrix moves here unchanged."""

from __future__ import annotations

from typing import Any

from devstack.runtime import HttpResponse

from .world import ApiWorld


def session_token(world: ApiWorld) -> str:
    return world.session_token()


def call(
    world: ApiWorld,
    method: str,
    path: str,
    token: str | None,
    body: Any = None,
    query: dict[str, str] | None = None,
) -> HttpResponse:
    return world.call(method, path, token, body, query)


def subscription_ids(world: ApiWorld) -> list[str]:
    return world.subscription_ids()
