"""The one HS256 implementation: what it signs verifies, and nothing else does."""

import base64
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.services.hs256 import InvalidToken, check_lifetime, sign, verified_claims

KEY = b"k" * 32
NOW = datetime(2026, 11, 23, tzinfo=UTC)


@given(st.dictionaries(st.text(min_size=1, max_size=10), st.integers() | st.text(max_size=20)))
def test_what_is_signed_verifies_to_the_same_claims(claims: dict[str, object]) -> None:
    assert verified_claims(sign(claims, KEY), KEY) == claims


def _forged_none(claims: dict[str, object]) -> str:
    def seg(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{seg({'alg': 'none'})}.{seg(claims)}."


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("a.b", "malformed"),
        ("!!!.!!!.!!!", "malformed"),
        (_forged_none({"sub": "x"}), "unsupported_algorithm"),
        (sign({"sub": "x"}, b"another key"), "bad_signature"),
        (sign({"sub": "x"}, KEY)[:-2] + "AA", "bad_signature"),
    ],
)
def test_forged_or_broken_tokens_are_refused_with_a_reason(token: str, code: str) -> None:
    with pytest.raises(InvalidToken) as refused:
        verified_claims(token, KEY)
    assert refused.value.code == code


def test_lifetime_allows_a_minute_of_skew_and_no_more() -> None:
    now = NOW.timestamp()
    check_lifetime({"exp": now - 59}, NOW)
    for claims, code in (
        ({"exp": now - 61}, "expired"),
        ({}, "expired"),
        ({"exp": True}, "expired"),
        ({"exp": now + 600, "nbf": now + 61}, "not_yet_valid"),
    ):
        with pytest.raises(InvalidToken) as refused:
            check_lifetime(claims, NOW)
        assert refused.value.code == code
