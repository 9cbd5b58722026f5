"""A Charge is one renewal cycle's resumable workflow: each stage is recorded before moving on."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

import msgspec

from .authorization import Authorization, AuthState
from .declines import DeclineClass
from .locations import DeliveryLocation
from .record import Record


class Stage(StrEnum):
    CLAIMED = "claimed"
    PRICED = "priced"
    ORDER_CREATED = "order_created"
    PAYMENT_CAPTURED = "payment_captured"
    PAYMENT_AUTHORIZED = "payment_authorized"
    PAYMENT_FAILED = "payment_failed"
    COMPLETED = "completed"


FINAL_STAGES = frozenset({Stage.COMPLETED, Stage.PAYMENT_FAILED})
PAID_STAGES = frozenset({Stage.PAYMENT_CAPTURED, Stage.PAYMENT_AUTHORIZED})
LEASE = timedelta(minutes=2)


def external_order_id(subscription_id: str, cycle: int, location_id: str | None = None) -> str:
    """Our idempotency key in BigCommerce: one renewal order per (subscription, cycle), or per
    (subscription, cycle, location) for a subscription shipping to several locations."""
    key = f"bcsub-{subscription_id}-c{cycle}"
    return key if location_id is None else f"{key}-{location_id}"


class Charge(Record, kw_only=True):
    """State of one cycle's renewal; `*_attempted` flags mark calls whose outcome may be unknown."""

    store_hash: str
    subscription_id: str
    cycle: int
    # A location's own order of the cycle (its address and lines as they were when the cycle
    # was claimed); None for the cycle's charge itself.
    location_id: str | None = None
    location: DeliveryLocation | None = None
    # On the cycle's charge of a multi-location subscription: the locations the cycle ships
    # to, each with its own charge; the cycle's charge then holds the lease and the outcome.
    location_ids: list[str] = msgspec.field(default_factory=list)
    stage: Stage = Stage.CLAIMED
    amount: Decimal | None = None
    currency: str = "USD"
    bc_order_id: int | None = None
    order_attempted: bool = False
    # The order carries our metafield naming the subscription and cycle (a second way to find
    # it, independent of order-list filters).
    order_tagged: bool = False
    payment_attempts: int = 0
    # The gateway answered `pending`: nothing is paid until the order's transactions say so.
    payment_pending: bool = False
    transaction_id: str | None = None
    transaction_type: str | None = None
    decline_code: int | None = None
    decline_reason: str | None = None
    decline_class: DeclineClass | None = None
    # Dunning retries of this cycle so far (each pays the same order again, unless it was voided).
    retries: int = 0
    # Replacement orders: BigCommerce never takes a payment on an order whose authorization
    # was voided, so a retry after a void pays a new order (`external_order_id` says which).
    reorders: int = 0
    # A prepaid cycle covered by an earlier charge: a zero-priced order, no payment.
    fulfilment_only: bool = False
    # An authorized payment waiting to be captured (capture timing), or what became of it.
    authorization: Authorization | None = None
    # Refunds BigCommerce reported against the cycle's order (`store/order/refund/created`).
    refund_ids: list[int] = msgspec.field(default_factory=list)
    lease_owner: str | None = None
    lease_until: datetime | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def external_order_id(self) -> str:
        first = external_order_id(self.subscription_id, self.cycle, self.location_id)
        return first if self.reorders == 0 else f"{first}-r{self.reorders}"

    @property
    def voided(self) -> bool:
        return self.authorization is not None and self.authorization.state == AuthState.VOIDED

    @property
    def is_final(self) -> bool:
        return self.stage in FINAL_STAGES

    def lease_free_for(self, worker: str, now: datetime) -> bool:
        """A worker may act if it holds the lease or the previous holder's lease ran out."""
        return self.lease_owner in (None, worker) or (
            self.lease_until is not None and self.lease_until <= now
        )

    def take_lease(self, worker: str, now: datetime) -> None:
        self.lease_owner, self.lease_until, self.updated_at = worker, now + LEASE, now

    def release_lease(self, now: datetime) -> None:
        self.lease_owner, self.lease_until, self.updated_at = None, None, now

    def reopen_for_retry(self, worker: str, now: datetime) -> None:
        """A dunning retry: back to paying the cycle's existing order, under this worker's lease."""
        if self.stage != Stage.PAYMENT_FAILED or self.bc_order_id is None:
            raise ValueError(f"only a failed payment with an order is retried, not {self.stage}")
        self.retries += 1
        self.decline_code = self.decline_reason = self.decline_class = None
        if self.voided:
            # The voided order cannot be paid again: one new order, found again by its key.
            self.reorders += 1
            self.bc_order_id, self.order_attempted, self.payment_attempts = None, False, 0
            self.order_tagged = self.payment_pending = False
            self.transaction_id = self.transaction_type = None
            self.authorization = None
            self.advance(Stage.PRICED, now)
        else:
            self.advance(Stage.ORDER_CREATED, now)
        self.take_lease(worker, now)

    def void_to_dunning(self, now: datetime) -> None:
        """An authorization voided before capture leaves the cycle unpaid: a failed payment."""
        if self.stage != Stage.COMPLETED or not self.voided:
            raise ValueError(f"only a completed, voided charge goes to dunning, not {self.stage}")
        self.decline_code, self.decline_reason = None, "authorization_voided"
        self.decline_class = DeclineClass.SOFT
        self.advance(Stage.PAYMENT_FAILED, now)

    def record_refund(self, refund_id: int, now: datetime) -> bool:
        """Remember a refund of the cycle's order; False when it was recorded before."""
        if refund_id in self.refund_ids:
            return False
        self.refund_ids.append(refund_id)
        self.updated_at = now
        return True

    def advance(self, stage: Stage, now: datetime) -> None:
        self.stage, self.updated_at = stage, now
