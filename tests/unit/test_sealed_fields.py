"""Secret event fields: sealed at rest, opened only for the delivery, left out of views."""

import json

from hypothesis import given
from hypothesis import strategies as st

from bc_subscriptions.domain.sealed_fields import (
    has_secrets,
    opened_envelope,
    sealed,
    without_sealed,
)


def _encrypt(value: str) -> str:
    return "sealed:" + value[::-1]


def _decrypt(value: str) -> str:
    return value.removeprefix("sealed:")[::-1]


@given(st.text(min_size=1, max_size=64))
def test_a_sealed_token_opens_to_itself_in_the_delivered_envelope(token: str) -> None:
    # Given an event's data with a token, sealed as it is stored
    data = {"cycle": 2, "action_token": token, "expires_at": "2026-01-04T00:00:00Z"}
    stored = sealed(data, _encrypt)
    assert "action_token" not in stored and not has_secrets(stored)
    envelope = json.dumps({"type": "subscription.requires_action", "data": stored})
    # When it is opened for sending
    delivered = json.loads(opened_envelope(envelope, _decrypt))
    # Then the merchant gets the token under its own name, and nothing else changed
    assert delivered["data"] == data


def test_an_envelope_without_secrets_is_sent_byte_for_byte() -> None:
    envelope = '{"type":"subscription.created","data":{"cycle":1}}'
    assert opened_envelope(envelope, _decrypt) is envelope


def test_a_view_of_a_stored_event_leaves_the_sealed_field_out() -> None:
    stored = {"type": "t", "data": {"cycle": 2, "action_token_sealed": "sealed:x"}}
    assert without_sealed(stored) == {"type": "t", "data": {"cycle": 2}}
