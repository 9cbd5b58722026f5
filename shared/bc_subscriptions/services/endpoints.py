"""Register merchant webhook endpoints and mint their `whsec_` signing secrets."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlparse

from ..domain.events import EVENT_TYPES
from ..ports.storage import Endpoint


class InvalidEndpoint(ValueError):
    """The URL or event filter of an endpoint is not acceptable."""


class EndpointWriter(Protocol):
    def put(self, endpoint: Endpoint) -> None: ...


class SecretWriter(Protocol):
    def encrypt(self, store_hash: str, plaintext: str) -> str: ...


@dataclass(frozen=True)
class RegisteredEndpoint:
    endpoint: Endpoint
    secret: str  # shown once to the merchant; stored only encrypted


def register_endpoint(
    store_hash: str,
    url: str,
    event_types: frozenset[str],
    *,
    endpoints: EndpointWriter,
    vault: SecretWriter,
    new_id: Callable[[], str],
    allow_http: bool = False,
) -> RegisteredEndpoint:
    """Validate and store an endpoint; returns it with its plaintext secret."""
    parsed = urlparse(url)
    schemes = {"https", "http"} if allow_http else {"https"}
    if parsed.scheme not in schemes or not parsed.hostname:
        raise InvalidEndpoint(f"url must be an absolute {' or '.join(sorted(schemes))} URL")
    unknown = event_types - EVENT_TYPES - {"*"}
    if unknown:
        raise InvalidEndpoint(f"unknown event types: {', '.join(sorted(unknown))}")
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    endpoint = Endpoint(
        store_hash,
        new_id(),
        url,
        vault.encrypt(store_hash, secret),
        event_types or frozenset({"*"}),
        enabled=True,
    )
    endpoints.put(endpoint)
    return RegisteredEndpoint(endpoint, secret)
