"""Merchant webhook endpoints: registration (validated, SSRF-safe), secret rotation, and
enabling/disabling (re-enabling offers a replay of what the endpoint missed)."""

from __future__ import annotations

import base64
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol
from urllib.parse import urlparse

import msgspec
from msgspec.structs import replace

from ..domain.events import EVENT_TYPES
from ..domain.public_address import is_public_address
from ..ports.storage import Endpoint

MAX_DESCRIPTION = 500
ROTATION_OVERLAP = timedelta(hours=24)
RELAY_LAG = timedelta(minutes=15)
Resolver = Callable[[str], list[str]]


class InvalidEndpoint(ValueError):
    """The URL, event filter or description of an endpoint is not acceptable."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


class EndpointNotFound(LookupError):
    """No such endpoint in this store."""


class EndpointStore(Protocol):
    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None: ...
    def put(self, endpoint: Endpoint) -> None: ...


class EndpointSwitch(EndpointStore, Protocol):
    def disable(self, endpoint: Endpoint, reason: str, now: datetime) -> bool: ...


class SecretWriter(Protocol):
    def encrypt(self, store_hash: str, plaintext: str) -> str: ...


class EndpointSecret(msgspec.Struct, frozen=True):
    endpoint: Endpoint
    secret: str  # shown once to the merchant; stored only encrypted


def resolve_host(host: str) -> list[str]:
    """Every address a host name resolves to (what an HTTP client could connect to)."""
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})


def register_endpoint(
    store_hash: str,
    url: str,
    event_types: frozenset[str],
    *,
    endpoints: EndpointStore,
    vault: SecretWriter,
    new_id: Callable[[], str],
    description: str = "",
    local_mode: bool = False,
    resolve: Resolver = resolve_host,
) -> EndpointSecret:
    """Validate and store an endpoint; returns it with its plaintext `whsec_` secret."""
    errors = _url_errors(url, local_mode, resolve)
    if unknown := event_types - EVENT_TYPES - {"*"}:
        errors.append(f"unknown event types: {', '.join(sorted(unknown))}")
    if len(description) > MAX_DESCRIPTION:
        errors.append(f"description is longer than {MAX_DESCRIPTION} characters")
    if errors:
        raise InvalidEndpoint(errors)
    secret = _new_secret()
    endpoint = Endpoint(
        store_hash,
        new_id(),
        url,
        vault.encrypt(store_hash, secret),
        event_types or frozenset({"*"}),
        enabled=True,
        description=description,
    )
    endpoints.put(endpoint)
    return EndpointSecret(endpoint, secret)


def rotate_secret(
    store_hash: str,
    endpoint_id: str,
    *,
    endpoints: EndpointStore,
    vault: SecretWriter,
    now: datetime,
) -> EndpointSecret:
    """A new secret signs from now on; the old one signs too for 24 h, so consumers can switch."""
    endpoint = endpoints.get(store_hash, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(endpoint_id)
    secret = _new_secret()
    rotated = replace(
        endpoint,
        secret_ciphertext=vault.encrypt(store_hash, secret),
        previous_secret_ciphertext=endpoint.secret_ciphertext,
        previous_secret_expires_at=now + ROTATION_OVERLAP,
    )
    endpoints.put(rotated)
    return EndpointSecret(rotated, secret)


class ReplayOffer(msgspec.Struct, frozen=True):
    """What a re-enabled endpoint missed: replay this range to catch it up."""

    since: datetime
    until: datetime


def enable_endpoint(
    store_hash: str, endpoint_id: str, *, endpoints: EndpointStore, now: datetime
) -> ReplayOffer | None:
    """Enable again; returns the window it may have missed (from its first failure or from
    when it was disabled), or None when it was not disabled."""
    endpoint = endpoints.get(store_hash, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(endpoint_id)
    if endpoint.enabled:
        return None
    # An event is first attempted within minutes of happening (stream, or catch-up after 5 min
    # on a 10-min schedule), so the first failure may concern events up to that much older.
    missed_from = (endpoint.failing_since or endpoint.disabled_at or now) - RELAY_LAG
    endpoints.put(
        replace(endpoint, enabled=True, failing_since=None, disabled_at=None, disabled_reason=None)
    )
    return ReplayOffer(missed_from, now)


def disable_endpoint(
    store_hash: str, endpoint_id: str, *, endpoints: EndpointSwitch, now: datetime
) -> None:
    """The merchant pauses deliveries; `endpoint.disabled` tells the store's other endpoints."""
    endpoint = endpoints.get(store_hash, endpoint_id)
    if endpoint is None:
        raise EndpointNotFound(endpoint_id)
    if endpoint.enabled:
        endpoints.disable(endpoint, "merchant", now)


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _url_errors(url: str, local_mode: bool, resolve: Resolver) -> list[str]:
    parsed = urlparse(url)
    schemes = {"https", "http"} if local_mode else {"https"}
    if parsed.scheme not in schemes or not parsed.hostname:
        return [f"url must be an absolute {' or '.join(sorted(schemes))} URL"]
    if local_mode:
        return []
    try:
        addresses = resolve(parsed.hostname)
    except OSError:
        return [f"url host {parsed.hostname} does not resolve"]
    # A webhook must never let a merchant make us call our own network (SSRF). The sender
    # checks again at every attempt, against the address it connects to.
    internal = [a for a in addresses if not is_public_address(a)]
    return [f"url host resolves to a non-public address ({internal[0]})"] if internal else []
