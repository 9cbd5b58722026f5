"""How often a subscription may be changed: fixed-window counters, spent with the change.

An attempt that reaches the subscription (it exists and is the caller's) counts, in the same
transaction as its outcome: the committed change, or, for a refused one, the counter alone.
An attempt that fails for any other reason (a concurrent change won, storage or BigCommerce
failed) commits nothing, so it is not counted. A caller over the limit gets `RateLimited`
with the seconds until the window ends, and nothing is written.
"""

from __future__ import annotations

from datetime import timedelta

import msgspec

WINDOW = timedelta(hours=1)
# Per subscription and hour: a shopper's changes (pause, resume, skip, quantity, address,
# cadence, withdrawing a scheduled cancel), and a merchant's (who may correct more at once).
SHOPPER_CHANGES = 10
MERCHANT_CHANGES = 60
# A shopper's payment-method changes per hour (each moves all their subscriptions).
SHOPPER_PAYMENT_METHOD_CHANGES = 5
# Cancel attempts per hour: a shopper's (over all their subscriptions), a store's merchant's.
SHOPPER_CANCELS = 5
MERCHANT_CANCELS = 300


class RateLimited(Exception):
    def __init__(self, retry_after_s: float):
        super().__init__(f"too many attempts; retry in {retry_after_s:.0f} s")
        self.retry_after_s = retry_after_s


class ChangeLimit(msgspec.Struct, frozen=True):
    key: str
    limit: int
    window: timedelta = WINDOW


def change_limit(subscription_id: str, customer_id: int | None) -> ChangeLimit:
    """The limit of an ordinary change: per subscription, a shopper's lower than a merchant's."""
    if customer_id is None:
        return ChangeLimit(f"change#merchant#{subscription_id}", MERCHANT_CHANGES)
    return ChangeLimit(f"change#customer#{customer_id}#{subscription_id}", SHOPPER_CHANGES)


def cancel_limit(actor: str, customer_id: int | None) -> ChangeLimit:
    if customer_id is None:
        return ChangeLimit(f"cancel#{actor}", MERCHANT_CANCELS)
    return ChangeLimit(f"cancel#customer#{customer_id}", SHOPPER_CANCELS)


def payment_method_limit(customer_id: int) -> ChangeLimit:
    return ChangeLimit(f"payment_method#customer#{customer_id}", SHOPPER_PAYMENT_METHOD_CHANGES)
