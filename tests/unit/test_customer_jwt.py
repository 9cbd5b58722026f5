"""The storefront's current-customer JWT, however the storefront script passes its answer on."""

from datetime import UTC, datetime

import pytest

from bc_subscriptions.services.customer_jwt import verify_customer_jwt
from bc_subscriptions.services.hs256 import sign

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CLAIMS = {
    "customer": {"id": 7, "email": "ada@example.com", "group_id": "0"},
    "iss": "bc/apps",
    "iat": int(NOW.timestamp()),
    "exp": int(NOW.timestamp()) + 900,
    "aud": "our-client",
    "store_hash": "abc123",
    "operation": "current_customer",
}
TOKEN = sign(CLAIMS, b"secret")


@pytest.mark.parametrize(
    "answer",
    [TOKEN, f"{TOKEN}\n", f'"{TOKEN}"', f' "{TOKEN}"\r\n'],
    ids=["plain text", "with a newline", "as a JSON string", "quoted and padded"],
)
def test_the_storefronts_answer_verifies_as_plain_text_or_as_a_json_string(answer: str) -> None:
    # Given what /customer/current.jwt answered, passed on as it came
    # When
    shopper = verify_customer_jwt(answer, client_secret="secret", client_id="our-client", now=NOW)
    # Then
    assert (shopper.store_hash, shopper.customer_id) == ("abc123", 7)
