"""Classify BigCommerce payment error codes into what the renewal should do next.

The codes are those of the Payments API and of `POST /v3/payments/access_tokens`; both answer
with the same numbering, so one table serves the payment and the token request.
"""

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
    # The store's own payment set-up refuses (no gateway, vaulting off, a request BC calls
    # invalid): nothing the shopper can fix and nothing a prompt retry changes. The merchant
    # sees it in the failed-charges queue with its reason; dunning retries on its schedule.
    SETUP = "setup"


_CODES: dict[int, DeclineClass] = {
    10000: DeclineClass.NETWORK,
    # Invalid data sent with the transaction: our request or the store's data, not the card.
    10001: DeclineClass.SETUP,
    30000: DeclineClass.SETUP,  # no payment configuration for the gateway
    30001: DeclineClass.SETUP,  # the gateway rejects the store's configuration
    30002: DeclineClass.SETUP,  # vaulting (stored instruments) not available on the store
    # The order is unknown to the Payments API: we pay only orders we created, so this is the
    # store's state (an order deleted under us), not something a retry in a minute changes.
    30003: DeclineClass.SETUP,
    30004: DeclineClass.SOFT,
    30050: DeclineClass.HARD,  # the instrument could not be saved: it will never pay
    30051: DeclineClass.HARD,
    30100: DeclineClass.SETUP,  # no access token could be created for the order
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

# What each code means, for the reason the merchant reads in the failed-charges queue.
_REASONS: dict[int, str] = {
    10000: "payment service temporarily unavailable",
    10001: "invalid data in the payment request",
    30000: "no payment gateway configured for the store",
    30001: "the store's payment gateway configuration is rejected",
    30002: "stored payment instruments (vaulting) are not enabled on the store",
    30003: "the order could not be found by the Payments API",
    30004: "order totals changed after the payment token was issued",
    30050: "the payment instrument could not be saved",
    30051: "the stored payment instrument could not be found",
    30100: "no payment access token could be created for the order",
    30101: "the order is not in a payable (Incomplete) status",
    30102: "card details could not be verified",
    30103: "the card has expired",
    30104: "the card issuer declined the payment",
    30105: "duplicate transaction",
    30106: "insufficient funds",
    30107: "the shopper revoked the payment authorization",
}


def classify(code: int | None) -> DeclineClass:
    """What a BigCommerce payment error code means for us; unknown codes are soft declines."""
    return _CODES.get(code or 0, DeclineClass.SOFT)


def reason(code: int | None) -> str:
    """A short reason for `code`, naming the code so the merchant can look it up."""
    if code is None:
        return "payment refused without a code"
    return f"{code}: {_REASONS.get(code, 'payment refused')}"


def known_codes() -> frozenset[int]:
    """Every code the table classifies (tests check the documented list against it)."""
    return frozenset(_CODES)
