"""Builders of domain objects with unique ids, for unit tests."""

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bc_subscriptions.domain.plan import Cadence
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription import LockedLine, PaymentMethod, Subscription

_ids = itertools.count(1)
NOW = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
MONTHLY = Cadence(label="Monthly", interval=Interval.MONTH, interval_count=1)


def line(price: str = "20.00", quantity: int = 1, product_id: int = 111) -> LockedLine:
    return LockedLine(
        product_id=product_id,
        quantity=quantity,
        price_ex_tax=Decimal(price),
        price_inc_tax=Decimal(price),
    )


def subscription(**overrides: Any) -> Subscription:
    fields: dict[str, Any] = {
        "store_hash": "store1",
        "id": f"sub_{next(_ids)}",
        "customer_id": 7,
        "cadence": MONTHLY,
        "currency": "USD",
        "lines": [line()],
        "billing_address": {"first_name": "Ada", "zip": "12345"},
        "payment_method": PaymentMethod(instrument_token="tok", payment_method_id="stripe.card"),
        "origin_order_id": 100,
    }
    fields.update(overrides)
    now = fields.pop("now", NOW)
    trial_days = fields.pop("trial_days", 0)
    return Subscription.start(now=now, trial_days=trial_days, **fields)
