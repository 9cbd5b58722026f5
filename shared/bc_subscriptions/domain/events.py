"""Domain events: the audit log and the outbox of merchant webhooks, one vocabulary."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from .actors import SYSTEM
from .record import FrozenRecord
from .timestamps import iso_timestamp

SUBSCRIPTION_CREATED = "subscription.created"
SUBSCRIPTION_RENEWED = "subscription.renewed"
SUBSCRIPTION_PAST_DUE = "subscription.past_due"
PAYMENT_METHOD_REQUIRED = "payment_method.required"
# A usable payment method was chosen for a subscription that waited for one.
PAYMENT_METHOD_RECEIVED = "payment_method.received"
CHARGE_SUCCEEDED = "charge.succeeded"
CHARGE_FAILED = "charge.failed"
ENDPOINT_DISABLED = "endpoint.disabled"
SUBSCRIPTION_REQUIRES_ACTION = "subscription.requires_action"
SUBSCRIPTION_CANCELLED = "subscription.cancelled"
SUBSCRIPTION_PAUSED = "subscription.paused"
SUBSCRIPTION_RESUMED = "subscription.resumed"
SUBSCRIPTION_EXPIRED = "subscription.expired"
SUBSCRIPTION_CYCLE_SKIPPED = "subscription.cycle_skipped"
CHARGE_CAPTURED = "charge.captured"
CHARGE_VOIDED = "charge.voided"
CHARGE_REFUNDED = "charge.refunded"
DELIVERY_FULFILLED = "delivery.fulfilled"
# The store wants to capture later, but its gateway took the money at once (purchase).
CAPTURE_TIMING_UNSUPPORTED = "config.capture_timing_unsupported"
SUBSCRIPTION_PAYMENT_METHOD_UPDATED = "subscription.payment_method_updated"
SUBSCRIPTION_UPDATED = "subscription.updated"
# A cancel asked for before the contract's notice window opened, handed to the merchant's legal
# team instead of being applied (the subscription is unchanged).
SUBSCRIPTION_CANCEL_ROUTED = "subscription.cancel_routed"
# A cancel at period end was asked for: the subscription runs until `cancel_at`.
SUBSCRIPTION_CANCEL_SCHEDULED = "subscription.cancel_scheduled"
# Allotments (D18): a grant's own events, in the grant's partition (`grant_id`, not a
# subscription's), ordered by the grant's sequence.
ALLOTMENT_GRANTED = "allotment.granted"
ALLOTMENT_DEBITED = "allotment.debited"
ALLOTMENT_DEBIT_REVERSED = "allotment.debit_reversed"
ALLOTMENT_REFRESHED = "allotment.refreshed"
ALLOTMENT_SUSPENDED = "allotment.suspended"
ALLOTMENT_RESUMED = "allotment.resumed"
ALLOTMENT_REVOKED = "allotment.revoked"
ALLOTMENT_EVENT_TYPES = (
    ALLOTMENT_GRANTED,
    ALLOTMENT_DEBITED,
    ALLOTMENT_DEBIT_REVERSED,
    ALLOTMENT_REFRESHED,
    ALLOTMENT_SUSPENDED,
    ALLOTMENT_RESUMED,
    ALLOTMENT_REVOKED,
)
# Delivery locations (one order each per cycle): `cycle` is the first cycle the change reaches.
SUBSCRIPTION_LOCATION_ADDED = "subscription.location_added"
SUBSCRIPTION_LOCATION_REMOVED = "subscription.location_removed"
LOCATION_EVENTS = (SUBSCRIPTION_LOCATION_ADDED, SUBSCRIPTION_LOCATION_REMOVED)
# Actors (D19): a customer took or left a role on a subscription; the payer was replaced.
SUBSCRIPTION_ACTOR_ADDED = "subscription.actor_added"
SUBSCRIPTION_ACTOR_REMOVED = "subscription.actor_removed"
SUBSCRIPTION_PAYER_CHANGED = "subscription.payer_changed"
# A change request's progress (`domain.change_requests`): submitted, decided, then applied or
# not applied, or expired undecided.
CHANGE_REQUEST_SUBMITTED = "change_request.submitted"
CHANGE_REQUEST_APPROVED = "change_request.approved"
CHANGE_REQUEST_REJECTED = "change_request.rejected"
CHANGE_REQUEST_APPLIED = "change_request.applied"
CHANGE_REQUEST_NOT_APPLIED = "change_request.not_applied"
CHANGE_REQUEST_EXPIRED = "change_request.expired"
# Custom field values a checkout carried that failed their definitions (the subscription
# started without them).
SUBSCRIPTION_CUSTOM_FIELDS_REFUSED = "subscription.custom_fields_refused"
# A gift the checkout named that could not be made (the subscription is the buyer's own).
SUBSCRIPTION_GIFT_REFUSED = "subscription.gift_refused"
# Entitlements (what a subscription grants its holder, e.g. a customer group).
ENTITLEMENT_GRANTED = "entitlement.granted"
ENTITLEMENT_SUSPENDED = "entitlement.suspended"
ENTITLEMENT_RESUMED = "entitlement.resumed"
ENTITLEMENT_REVOKED = "entitlement.revoked"
ENTITLEMENT_TYPES = (
    ENTITLEMENT_GRANTED,
    ENTITLEMENT_SUSPENDED,
    ENTITLEMENT_RESUMED,
    ENTITLEMENT_REVOKED,
)
# One per recorded renewal stage: the audit trail of each cycle's workflow.
CHARGE_STAGES = (
    "priced",
    "order_created",
    "payment_captured",
    "payment_authorized",
    "payment_failed",
)

# Purchase-order subscriptions (B2B Edition): a renewal's order left unpaid on net terms, its
# due date passed unpaid, and the merchant marking it paid in BigCommerce.
INVOICE_ISSUED = "invoice.issued"
INVOICE_OVERDUE = "invoice.overdue"
INVOICE_PAID = "invoice.paid"
INVOICE_EVENTS = frozenset({INVOICE_ISSUED, INVOICE_OVERDUE, INVOICE_PAID})

EVENT_TYPES = frozenset(
    {
        *INVOICE_EVENTS,
        SUBSCRIPTION_CREATED,
        SUBSCRIPTION_RENEWED,
        SUBSCRIPTION_PAST_DUE,
        PAYMENT_METHOD_REQUIRED,
        PAYMENT_METHOD_RECEIVED,
        CHARGE_SUCCEEDED,
        CHARGE_FAILED,
        ENDPOINT_DISABLED,
        SUBSCRIPTION_REQUIRES_ACTION,
        SUBSCRIPTION_CANCELLED,
        SUBSCRIPTION_PAUSED,
        SUBSCRIPTION_RESUMED,
        SUBSCRIPTION_EXPIRED,
        SUBSCRIPTION_CYCLE_SKIPPED,
        CHARGE_CAPTURED,
        CHARGE_VOIDED,
        CHARGE_REFUNDED,
        DELIVERY_FULFILLED,
        CAPTURE_TIMING_UNSUPPORTED,
        SUBSCRIPTION_PAYMENT_METHOD_UPDATED,
        SUBSCRIPTION_UPDATED,
        SUBSCRIPTION_CANCEL_ROUTED,
        SUBSCRIPTION_CANCEL_SCHEDULED,
        SUBSCRIPTION_ACTOR_ADDED,
        SUBSCRIPTION_ACTOR_REMOVED,
        SUBSCRIPTION_PAYER_CHANGED,
        CHANGE_REQUEST_SUBMITTED,
        CHANGE_REQUEST_APPROVED,
        CHANGE_REQUEST_REJECTED,
        CHANGE_REQUEST_APPLIED,
        CHANGE_REQUEST_NOT_APPLIED,
        CHANGE_REQUEST_EXPIRED,
        *(f"charge.stage.{stage}" for stage in CHARGE_STAGES),
        *ALLOTMENT_EVENT_TYPES,
        *LOCATION_EVENTS,
        SUBSCRIPTION_CUSTOM_FIELDS_REFUSED,
        SUBSCRIPTION_GIFT_REFUSED,
        *ENTITLEMENT_TYPES,
    }
)


class DomainEvent(FrozenRecord, frozen=True, kw_only=True):
    """Something that happened to one subscription (or, store-level, to a webhook endpoint, or
    to an allotment grant); `seq` orders the events of that one subscription, endpoint or grant."""

    id: str
    type: str
    store_hash: str
    subscription_id: str | None = None
    endpoint_id: str | None = None
    grant_id: str | None = None
    seq: int
    occurred_at: datetime
    data: dict[str, Any]
    # Who acted (`actors.EventActor` as data): a shopper, a merchant user, or the system.
    actor: dict[str, Any] = msgspec.field(default_factory=SYSTEM.as_data)

    def envelope(self) -> dict[str, Any]:
        """The Standard Webhooks body merchants receive: `{type, timestamp, data}`."""
        return {
            "type": self.type,
            "timestamp": iso_timestamp(self.occurred_at),
            "data": {
                "event_id": self.id,
                "store_hash": self.store_hash,
                **({"subscription_id": self.subscription_id} if self.subscription_id else {}),
                **({"endpoint_id": self.endpoint_id} if self.endpoint_id else {}),
                "sequence": self.seq,
                "actor": self.actor,
                **self.data,
            },
        }
