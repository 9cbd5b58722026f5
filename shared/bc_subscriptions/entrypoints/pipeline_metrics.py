"""Names of the business metrics (embedded metric format, one per outcome) the handlers emit.

template.yaml's alarms and dashboard read these names in the POWERTOOLS_METRICS_NAMESPACE of its
Globals; a contract test keeps the two in step, so rename here and there together.
"""

from __future__ import annotations

from collections.abc import Iterable

# Renewal pipeline: due (enqueued by the sweep) -> claimed -> ordered -> paid or declined;
# a declined cycle comes back as retried.
RENEWALS_DUE = "RenewalsEnqueued"
RENEWAL_CLAIMED = "RenewalClaimed"
RENEWAL_ORDERED = "RenewalOrdered"
RENEWAL_PAID = "RenewalPaid"
RENEWAL_DECLINED = "RenewalDeclined"
RENEWAL_RETRIED = "RenewalRetried"
RENEWAL_DELIVERED = "RenewalDelivered"  # a prepaid cycle: order, no payment
STUCK_WORKFLOWS = "StuckWorkflows"

# Merchant webhook pipeline, one per delivery attempt.
WEBHOOK_DELIVERED = "WebhookDelivered"
WEBHOOK_FAILED = "WebhookFailed"  # the attempt failed (retrying, parked or endpoint disabled)
WEBHOOK_PARKED = "WebhookParked"  # the last attempt failed: dead-lettered
WEBHOOK_HELD = "WebhookHeld"  # received before its retry time, hidden again

# Reconciliation: one per store whose run failed.
RECONCILIATION_FAILED = "ReconciliationFailed"
ORDERS_RECOVERED = "OrdersRecovered"

# The other handlers' counts.
SUBSCRIPTIONS_CREATED = "SubscriptionsCreated"
EVENTS_CAUGHT_UP = "EventsCaughtUp"
AUTHORIZATIONS_SEEN = "AuthorizationsSeen"

_RENEWAL_STEPS = {
    "claimed": RENEWAL_CLAIMED,
    "retried": RENEWAL_RETRIED,
    "ordered": RENEWAL_ORDERED,
}
_RENEWAL_OUTCOMES = {
    "renewed": RENEWAL_PAID,
    "payment_failed": RENEWAL_DECLINED,
    "delivered": RENEWAL_DELIVERED,
}
_WEBHOOK_OUTCOMES = {
    "delivered": (WEBHOOK_DELIVERED,),
    "retrying": (WEBHOOK_FAILED,),
    "failed": (WEBHOOK_FAILED, WEBHOOK_PARKED),
    "disabled": (WEBHOOK_FAILED,),
}


def renewal_metrics(outcome: str, steps: Iterable[str]) -> list[str]:
    """What one renewal run adds to the pipeline; a run with nothing to do adds nothing."""
    names = [_RENEWAL_STEPS[s] for s in sorted(steps) if s in _RENEWAL_STEPS]
    if outcome in _RENEWAL_OUTCOMES:
        names.append(_RENEWAL_OUTCOMES[outcome])
    return names


def webhook_metrics(outcome: str) -> tuple[str, ...]:
    """What one delivery attempt adds; a skipped one (endpoint gone, event filtered) adds none."""
    return _WEBHOOK_OUTCOMES.get(outcome, ())


def all_names() -> frozenset[str]:
    """Every metric name the handlers emit (cold starts aside)."""
    return frozenset(
        value
        for name, value in globals().items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    )
