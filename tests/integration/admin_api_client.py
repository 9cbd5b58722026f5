"""Calls the admin API the way the merchant's admin UI does: /load, then Bearer session."""

from __future__ import annotations

import json
import re
from typing import Any

from devstack.runtime import HttpResponse

from .world import World


def session_token(world: World) -> str:
    return str(boot_data(load_page(world))["session"])


def load_page(world: World) -> HttpResponse:
    """The app shell `/load` answers when the merchant opens the app."""
    jwt = world.emulator.signed_payload(world.store_hash)
    reply = world.stack.runtime.http("GET", "/load", query={"signed_payload_jwt": jwt})
    assert reply.status == 200, reply.body
    return reply


def boot_data(page: HttpResponse) -> dict[str, Any]:
    """The JSON the shell embeds for the app: store, user, session and its expiry."""
    found = re.search(r'<script type="application/json" id="bcs-boot">(.*?)</script>', page.body)
    assert found is not None, page.body
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def call(
    world: World,
    method: str,
    path: str,
    token: str | None,
    body: Any = None,
    query: dict[str, str] | None = None,
) -> HttpResponse:
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    raw = b"" if body is None else json.dumps(body).encode()
    return world.stack.runtime.http(method, path, raw, headers, query)


def subscription_ids(world: World) -> list[str]:
    return sorted(str(i["subscription_id"]) for i in world.of_kind("subscription"))
