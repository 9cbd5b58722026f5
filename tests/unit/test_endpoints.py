"""Endpoint registration rules (https, SSRF, filters) and secret rotation, with in-memory fakes."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from bc_subscriptions.ports.storage import Endpoint
from bc_subscriptions.services.endpoints import (
    InvalidEndpoint,
    register_endpoint,
    rotate_secret,
)

from .factories import NOW


@dataclass
class FakeEndpoints:
    saved: dict[str, Endpoint] = field(default_factory=dict)

    def get(self, store_hash: str, endpoint_id: str) -> Endpoint | None:
        found = self.saved.get(endpoint_id)
        return found if found and found.store_hash == store_hash else None

    def put(self, endpoint: Endpoint) -> None:
        self.saved[endpoint.endpoint_id] = endpoint


class FakeVault:
    def encrypt(self, store_hash: str, plaintext: str) -> str:
        return f"enc:{store_hash}:{plaintext}"


def _register(url: str, *, addresses: list[str] | None = None, **kw):  # type: ignore[no-untyped-def]
    store = FakeEndpoints()
    result = register_endpoint(
        "s1",
        url,
        kw.pop("event_types", frozenset({"*"})),
        endpoints=store,
        vault=FakeVault(),
        new_id=lambda: "ep_1",
        resolve=lambda host: addresses or ["93.184.216.34"],
        **kw,
    )
    return result, store


def test_a_public_https_endpoint_is_stored_with_an_encrypted_whsec_secret() -> None:
    # Given / When
    result, store = _register("https://hooks.merchant.example/bc", description="ERP")
    # Then
    assert result.secret.startswith("whsec_")
    assert store.saved["ep_1"].secret_ciphertext == f"enc:s1:{result.secret}"
    assert store.saved["ep_1"].description == "ERP"


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "127.0.0.1",
        "169.254.169.254",
        "192.168.1.2",
        "::1",
        "fd00::1",
        "::169.254.169.254",
        "64:ff9b::7f00:1",
        "2002:a9fe:a9fe::1",
        "224.0.0.1",
    ],
)
def test_a_host_resolving_to_an_internal_address_is_refused(address: str) -> None:
    # Given / When / Then
    with pytest.raises(InvalidEndpoint, match="non-public address"):
        _register("https://sneaky.example/hook", addresses=["93.184.216.34", address])


def test_plain_http_is_refused_outside_local_mode_and_allowed_inside() -> None:
    # Given / When / Then
    with pytest.raises(InvalidEndpoint, match="https URL"):
        _register("http://hooks.merchant.example/bc")
    result, _ = _register("http://127.0.0.1:9000/hooks", local_mode=True)
    assert result.endpoint.url == "http://127.0.0.1:9000/hooks"


def test_every_problem_is_listed_at_once() -> None:
    # Given / When
    with pytest.raises(InvalidEndpoint) as refused:
        _register("ftp://x", event_types=frozenset({"charge.exploded"}), description="d" * 501)
    # Then
    assert len(refused.value.errors) == 3
    assert any("charge.exploded" in e for e in refused.value.errors)


def test_rotation_keeps_the_old_secret_signing_for_24_hours() -> None:
    # Given a registered endpoint
    first, store = _register("https://hooks.merchant.example/bc")
    # When its secret is rotated
    rotated = rotate_secret("s1", "ep_1", endpoints=store, vault=FakeVault(), now=NOW)
    # Then both secrets sign for a day, then only the new one
    endpoint = store.saved["ep_1"]
    old, new = f"enc:s1:{first.secret}", f"enc:s1:{rotated.secret}"
    assert endpoint.signing_secrets(NOW + timedelta(hours=23)) == [new, old]
    assert endpoint.signing_secrets(NOW + timedelta(hours=24)) == [new]


def test_rotating_another_stores_endpoint_is_not_found() -> None:
    # Given / When / Then
    _, store = _register("https://hooks.merchant.example/bc")
    with pytest.raises(LookupError):
        rotate_secret("s2", "ep_1", endpoints=store, vault=FakeVault(), now=NOW)
