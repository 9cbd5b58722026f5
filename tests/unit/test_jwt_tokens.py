"""HS256 tokens through PyJWT: what we sign verifies, and nothing else does."""

import base64
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.services.jwt_tokens import InvalidToken, check_lifetime, sign, verified_claims

KEY = b"k" * 32
NOW = datetime(2026, 11, 23, tzinfo=UTC)


EXP = int(NOW.timestamp()) + 600
claim_names = st.text(min_size=1, max_size=10).filter(lambda n: n not in {"exp", "aud"})


@given(st.dictionaries(claim_names, st.integers() | st.text(max_size=20)))
def test_what_is_signed_verifies_to_the_same_claims(claims: dict[str, object]) -> None:
    signed = {**claims, "exp": EXP}
    assert verified_claims(sign(signed, KEY), KEY) == signed


def _forged_none(claims: dict[str, object]) -> str:
    def seg(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{seg({'alg': 'none'})}.{seg(claims)}."


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("a.b", "malformed"),
        ("!!!.!!!.!!!", "malformed"),
        (_forged_none({"sub": "x", "exp": EXP}), "unsupported_algorithm"),
        (sign({"sub": "x", "exp": EXP}, b"another key"), "bad_signature"),
        (sign({"sub": "x", "exp": EXP}, KEY)[:-2] + "AA", "bad_signature"),
        (sign({"sub": "x"}, KEY), "expired"),
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


@pytest.mark.parametrize(
    ("aud", "code"),
    [(None, "wrong_audience"), ("other", "wrong_audience"), (["them", "us"], "wrong_audience")],
)
def test_an_expected_audience_must_be_named_exactly(aud: object, code: str) -> None:
    claims = {"exp": EXP} if aud is None else {"exp": EXP, "aud": aud}
    with pytest.raises(InvalidToken) as refused:
        verified_claims(sign(claims, KEY), KEY, audience="us")
    assert refused.value.code == code


def test_an_audience_list_is_accepted_only_where_asked_for() -> None:
    token = sign({"exp": EXP, "aud": ["them", "us"]}, KEY)
    assert verified_claims(token, KEY, audience="us", audience_list=True)["aud"] == ["them", "us"]


def test_a_token_signed_with_an_asymmetric_algorithm_name_is_refused() -> None:
    # Given a token claiming RS256 over an HMAC signature (key confusion)
    head = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT"}').rstrip(b"=").decode()
    body = sign({"exp": EXP}, KEY).split(".")[1]
    with pytest.raises(InvalidToken) as refused:
        verified_claims(f"{head}.{body}.AAAA", KEY)
    assert refused.value.code == "unsupported_algorithm"
