"""An authorization's place in the expiry sweep, and the states a capture or void moves it to."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bc_subscriptions.domain.authorization import (
    CAPTURE_RETRY,
    RECHECK,
    Authorization,
    AuthState,
)
from bc_subscriptions.domain.record import from_data

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _auth(**kw: object) -> Authorization:
    fields: dict[str, object] = {
        "amount": Decimal("50.00"),
        "currency": "USD",
        "transaction_id": "7",
        "authorized_at": NOW,
        "expires_at": NOW + timedelta(days=7),
        "lead_hours": 24,
    }
    return from_data(Authorization, fields | kw)


def test_an_open_authorization_is_looked_at_its_lead_time_before_expiry() -> None:
    auth = _auth()
    assert auth.check_at == NOW + timedelta(days=6)
    assert not auth.expiring(NOW + timedelta(days=5, hours=23))
    assert auth.expiring(NOW + timedelta(days=6))


def test_a_capture_due_now_is_looked_at_now() -> None:
    assert _auth(capture_due_at=NOW).check_at == NOW


def test_a_pending_request_is_rechecked_and_a_settled_one_leaves_the_index() -> None:
    auth = _auth()
    auth.request(AuthState.CAPTURE_PENDING, NOW, "shipped")
    assert auth.pending and auth.check_at == NOW + RECHECK
    auth.settle(AuthState.CAPTURED)
    assert auth.settled and auth.check_at is None


def test_a_declined_capture_opens_again_and_is_retried_later() -> None:
    auth = _auth()
    auth.request(AuthState.CAPTURE_PENDING, NOW, "shipped")
    auth.capture_declined(1, NOW)
    assert (auth.state, auth.capture_errors) == (AuthState.OPEN, 1)
    assert auth.check_at == NOW + CAPTURE_RETRY


@pytest.mark.parametrize("state", [AuthState.OPEN, AuthState.CAPTURED])
def test_only_pending_states_are_requests(state: AuthState) -> None:
    with pytest.raises(ValueError, match="not a request"):
        _auth().request(state, NOW, "x")
