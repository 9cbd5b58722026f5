"""Classify BigCommerce payment error codes into what the renewal should do next."""

from __future__ import annotations

from enum import StrEnum


class DeclineClass(StrEnum):
    HARD = "hard"  # never retried automatically; ask the shopper for a new card
    INSUFFICIENT_FUNDS = "insufficient_funds"  # wait for the dunning schedule
    SOFT = "soft"  # may succeed later
    NETWORK = "network"  # transient (10000, 5xx, timeout): retry promptly
    REQUIRES_ACTION = "requires_action"  # the shopper must authenticate (3-D Secure or similar)
    DUPLICATE = "duplicate"  # BC says it was already paid: never pay again
    ORDER_STATE = "order_state"  # the order is no longer payable: re-read BC


_CODES: dict[int, DeclineClass] = {
    10000: DeclineClass.NETWORK,
    30004: DeclineClass.SOFT,
    30051: DeclineClass.HARD,
    30101: DeclineClass.ORDER_STATE,
    # "Card details could not be verified": the gateway wants the cardholder present. BigCommerce
    # documents no dedicated 3-D Secure code for stored-card payments; this is the closest one.
    30102: DeclineClass.REQUIRES_ACTION,
    30103: DeclineClass.HARD,
    30104: DeclineClass.SOFT,
    30105: DeclineClass.DUPLICATE,
    30106: DeclineClass.INSUFFICIENT_FUNDS,
    30107: DeclineClass.HARD,
}


def classify(code: int | None) -> DeclineClass:
    """What a BigCommerce payment error code means for us; unknown codes are soft declines."""
    return _CODES.get(code or 0, DeclineClass.SOFT)
