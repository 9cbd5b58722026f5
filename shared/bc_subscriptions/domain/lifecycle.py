"""The single lifecycle resolver: (status, command) -> new status. Nothing else changes status."""

from __future__ import annotations

from enum import StrEnum

from .errors import InvalidTransition


class Status(StrEnum):
    PENDING = "pending"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    REQUIRES_ACTION = "requires_action"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Command(StrEnum):
    ACTIVATE = "activate"
    START_TRIAL = "start_trial"
    RECORD_RENEWAL = "record_renewal"
    RECORD_PAYMENT_FAILURE = "record_payment_failure"
    REQUIRE_ACTION = "require_action"
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    EXPIRE = "expire"
    # A usable payment method was chosen: the waiting cycle is retried at once.
    RETRY_PAYMENT = "retry_payment"
    # Quantity, cadence or address changed: the status stays, but only where changes make sense.
    AMEND = "amend"


_S, _C = Status, Command
_LIVE = (_S.TRIALING, _S.ACTIVE, _S.PAST_DUE, _S.REQUIRES_ACTION)

# Table-driven on purpose: one place to read every allowed move, easy to test exhaustively.
TRANSITIONS: dict[tuple[Status, Command], Status] = {
    (_S.PENDING, _C.ACTIVATE): _S.ACTIVE,
    (_S.PENDING, _C.START_TRIAL): _S.TRIALING,
    (_S.PENDING, _C.REQUIRE_ACTION): _S.REQUIRES_ACTION,
    (_S.TRIALING, _C.RECORD_RENEWAL): _S.ACTIVE,
    (_S.ACTIVE, _C.RECORD_RENEWAL): _S.ACTIVE,
    (_S.PAST_DUE, _C.RECORD_RENEWAL): _S.ACTIVE,
    (_S.REQUIRES_ACTION, _C.RECORD_RENEWAL): _S.ACTIVE,
    (_S.TRIALING, _C.RECORD_PAYMENT_FAILURE): _S.PAST_DUE,
    (_S.ACTIVE, _C.RECORD_PAYMENT_FAILURE): _S.PAST_DUE,
    (_S.PAST_DUE, _C.RECORD_PAYMENT_FAILURE): _S.PAST_DUE,
    (_S.TRIALING, _C.REQUIRE_ACTION): _S.REQUIRES_ACTION,
    (_S.ACTIVE, _C.REQUIRE_ACTION): _S.REQUIRES_ACTION,
    (_S.PAST_DUE, _C.REQUIRE_ACTION): _S.REQUIRES_ACTION,
    (_S.REQUIRES_ACTION, _C.ACTIVATE): _S.ACTIVE,
    (_S.PAST_DUE, _C.RETRY_PAYMENT): _S.PAST_DUE,
    (_S.REQUIRES_ACTION, _C.RETRY_PAYMENT): _S.PAST_DUE,
    (_S.PAUSED, _C.RESUME): _S.ACTIVE,
    **{(s, _C.PAUSE): _S.PAUSED for s in (_S.TRIALING, _S.ACTIVE, _S.PAST_DUE, _S.REQUIRES_ACTION)},
    **{(s, _C.CANCEL): _S.CANCELLED for s in (*_LIVE, _S.PENDING, _S.PAUSED)},
    **{(s, _C.EXPIRE): _S.EXPIRED for s in _LIVE},
    **{(s, _C.AMEND): s for s in (*_LIVE, _S.PAUSED)},
}

# Statuses whose subscriptions are swept for renewal.
RENEWABLE = frozenset({_S.TRIALING, _S.ACTIVE})


def resolve(status: Status, command: Command) -> Status:
    """The status after `command`, or `InvalidTransition` if the lifecycle forbids it."""
    try:
        return TRANSITIONS[(status, command)]
    except KeyError:
        raise InvalidTransition(status.value, command.value) from None
