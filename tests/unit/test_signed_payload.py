"""signed_payload_jwt: only a correctly signed, current payload for our app names a store."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bc_subscriptions.services.signed_payload import InvalidSignedPayload, verify_signed_payload

SECRET, CLIENT_ID = "s3cret", "client-1"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _jwt(claims: dict[str, Any], *, alg: str = "HS256", secret: str = SECRET) -> str:
    head = _b64(json.dumps({"typ": "JWT", "alg": alg}).encode())
    body = _b64(json.dumps(claims).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(sig)}"


def _claims(**overrides: Any) -> dict[str, Any]:
    t = int(NOW.timestamp())
    return {
        "aud": CLIENT_ID,
        "sub": "stores/abc123",
        "iat": t,
        "nbf": t,
        "exp": t + 3600,
    } | overrides


def _verify(token: str) -> str:
    return verify_signed_payload(token, client_secret=SECRET, client_id=CLIENT_ID, now=NOW)


def test_a_valid_payload_names_its_store() -> None:
    # Given / When / Then
    assert _verify(_jwt(_claims())) == "abc123"


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (_jwt(_claims(), secret="other"), "bad_signature"),
        (_jwt(_claims(), alg="none"), "unsupported_algorithm"),
        (_jwt(_claims(), alg="HS512"), "unsupported_algorithm"),
        (_jwt(_claims(aud="another-app")), "wrong_audience"),
        (_jwt(_claims(exp=int(NOW.timestamp()) - 61)), "expired"),
        (_jwt(_claims(exp=None)), "expired"),
        (_jwt(_claims(nbf=int(NOW.timestamp()) + 3600)), "not_yet_valid"),
        (_jwt(_claims(sub="users/1")), "no_store"),
        ("a.b", "malformed"),
        ("!!.??.**", "malformed"),
        (_b64(b"[]") + "." + _b64(b"{}") + ".", "malformed"),
    ],
)
def test_a_payload_that_does_not_verify_names_its_reason(token: str, code: str) -> None:
    # Given / When / Then
    with pytest.raises(InvalidSignedPayload) as refused:
        _verify(token)
    assert refused.value.code == code


def test_an_audience_list_that_includes_us_is_accepted() -> None:
    # Given / When / Then
    assert _verify(_jwt(_claims(aud=["x", CLIENT_ID]))) == "abc123"


def test_a_payload_within_the_clock_skew_leeway_is_accepted() -> None:
    # Given / When / Then
    assert _verify(_jwt(_claims(exp=int(NOW.timestamp()) - 30))) == "abc123"
