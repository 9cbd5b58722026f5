"""An authorized renewal payment and what became of it: captured, voided, or still open.

The money moves in BigCommerce; this record only remembers what we asked for and what the
order's transactions confirmed, so a capture or void is requested at most once per outcome.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from .record import Record

# While a capture or void is pending, the sweep looks again after this long.
RECHECK = timedelta(minutes=15)
# A declined capture is tried again after this long (each try reads the transactions first).
CAPTURE_RETRY = timedelta(hours=1)


class AuthState(StrEnum):
    OPEN = "open"
    CAPTURE_PENDING = "capture_pending"
    VOID_PENDING = "void_pending"
    CAPTURED = "captured"
    VOIDED = "voided"


SETTLED = frozenset({AuthState.CAPTURED, AuthState.VOIDED})


class Authorization(Record, kw_only=True):
    amount: Decimal
    currency: str
    transaction_id: str
    gateway_transaction_id: str | None = None
    authorized_at: datetime
    expires_at: datetime
    state: AuthState = AuthState.OPEN
    requested_at: datetime | None = None
    # Declined captures seen so far (error transactions), so an old one is not read as new.
    capture_errors: int = 0
    reason: str | None = None
    # The store's auth_expiry_lead_hours when it was recorded: the sweep acts this long before.
    lead_hours: int = 24
    # Set when the capture is due now (capture timing `immediate`) rather than at an event.
    capture_due_at: datetime | None = None

    @property
    def settled(self) -> bool:
        return self.state in SETTLED

    @property
    def pending(self) -> bool:
        return self.state in (AuthState.CAPTURE_PENDING, AuthState.VOID_PENDING)

    @property
    def check_at(self) -> datetime | None:
        """When the expiry sweep must look at it next; None once settled (leaves the index)."""
        if self.settled:
            return None
        if self.pending and self.requested_at is not None:
            return self.requested_at + RECHECK
        expiring = self.expires_at - timedelta(hours=self.lead_hours)
        return min(expiring, self.capture_due_at) if self.capture_due_at else expiring

    def expiring(self, now: datetime) -> bool:
        return now >= self.expires_at - timedelta(hours=self.lead_hours)

    def request(self, state: AuthState, now: datetime, reason: str) -> None:
        if state not in (AuthState.CAPTURE_PENDING, AuthState.VOID_PENDING):
            raise ValueError(f"not a request: {state}")
        self.state, self.requested_at, self.reason = state, now, reason

    def settle(self, state: AuthState) -> None:
        if state not in SETTLED:
            raise ValueError(f"not a settlement: {state}")
        self.state = state

    def capture_declined(self, errors_seen: int, now: datetime) -> None:
        """The gateway refused the capture: open again, retried by the sweep after a while."""
        self.state, self.capture_errors, self.requested_at = AuthState.OPEN, errors_seen, None
        self.capture_due_at = now + CAPTURE_RETRY
