"""The Subscription aggregate: the contract (what renews, when, at what locked price, for whom)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from . import events as ev
from .lifecycle import RENEWABLE, Command, Status, resolve
from .plan import Cadence, PlanTerms
from .schedule import Interval, shift


class LockedLine(BaseModel):
    """An order line as bought; renewals charge exactly these prices (price lock)."""

    product_id: int
    variant_id: int | None = None
    name: str = ""
    sku: str = ""
    quantity: int = Field(gt=0)
    price_ex_tax: Decimal
    price_inc_tax: Decimal
    product_options: list[dict[str, Any]] = Field(default_factory=list)


class PaymentMethod(BaseModel):
    """The shopper's stored instrument: BigCommerce token plus the gateway method id."""

    instrument_token: str
    payment_method_id: str


class Subscription(BaseModel):
    """One current record per subscription; every change goes through `resolve`."""

    store_hash: str
    id: str
    customer_id: int
    status: Status
    cadence: Cadence
    currency: str
    lines: list[LockedLine] = Field(min_length=1)
    billing_address: dict[str, str]
    shipping_address: dict[str, str] | None = None
    payment_method: PaymentMethod | None = None
    terms: PlanTerms = Field(default_factory=PlanTerms)
    origin_order_id: int
    anchor_at: datetime
    anchor_cycle: int = Field(ge=1)
    next_cycle: int = Field(ge=2)
    created_at: datetime
    updated_at: datetime
    event_seq: int = 0
    _events: list[ev.DomainEvent] = PrivateAttr(default_factory=list)

    @classmethod
    def start(cls, *, now: datetime, trial_days: int = 0, **fields: Any) -> Subscription:
        """A new subscription from a paid checkout order; the order is cycle 1."""
        sub = cls(
            status=Status.PENDING,
            anchor_cycle=1,
            next_cycle=2,
            created_at=now,
            updated_at=now,
            anchor_at=now,
            **fields,
        )
        if sub.payment_method is None:
            sub._apply(Command.REQUIRE_ACTION, now)
            sub._record(ev.PAYMENT_METHOD_REQUIRED, now, {"customer_id": sub.customer_id})
        elif trial_days:
            # The trial is cycle 1; the first paid cycle starts when it ends.
            sub.anchor_at, sub.anchor_cycle = shift(now, Interval.DAY, 1, trial_days), 2
            sub._apply(Command.START_TRIAL, now)
        else:
            sub._apply(Command.ACTIVATE, now)
        sub._record(ev.SUBSCRIPTION_CREATED, now, sub.summary())
        return sub

    @property
    def next_renewal_at(self) -> datetime:
        periods = self.next_cycle - self.anchor_cycle
        return shift(self.anchor_at, self.cadence.interval, self.cadence.interval_count, periods)

    def is_due(self, now: datetime) -> bool:
        return self.status in RENEWABLE and self.next_renewal_at <= now

    def renewal_total(self) -> Decimal:
        return sum((line.price_inc_tax * line.quantity for line in self.lines), Decimal("0"))

    def record_renewal(
        self, *, cycle: int, order_id: int, transaction_id: str, now: datetime
    ) -> None:
        """The cycle's order is paid: advance to the next cycle."""
        self._apply(Command.RECORD_RENEWAL, now)
        self._record(
            ev.CHARGE_SUCCEEDED,
            now,
            {
                "cycle": cycle,
                "order_id": order_id,
                "transaction_id": transaction_id,
                "amount": str(self.renewal_total()),
                "currency": self.currency,
            },
        )
        self.next_cycle = cycle + 1
        self._record(
            ev.SUBSCRIPTION_RENEWED,
            now,
            {"cycle": cycle, "order_id": order_id, "next_renewal_at": _iso(self.next_renewal_at)},
        )

    def record_payment_failure(
        self, *, cycle: int, order_id: int, code: int | None, reason: str, now: datetime
    ) -> None:
        """The cycle's payment was declined; the subscription is past due."""
        was = self.status
        self._apply(Command.RECORD_PAYMENT_FAILURE, now)
        self._record(
            ev.CHARGE_FAILED,
            now,
            {"cycle": cycle, "order_id": order_id, "decline_code": code, "reason": reason},
        )
        if was != self.status:
            self._record(ev.SUBSCRIPTION_PAST_DUE, now, {"cycle": cycle})

    def summary(self) -> dict[str, Any]:
        """The public view of the contract carried by `subscription.*` events."""
        return {
            "status": self.status.value,
            "customer_id": self.customer_id,
            "origin_order_id": self.origin_order_id,
            "cadence": self.cadence.model_dump(mode="json"),
            "currency": self.currency,
            "lines": [line.model_dump(mode="json") for line in self.lines],
            "next_renewal_at": _iso(self.next_renewal_at),
        }

    def pull_events(self) -> list[ev.DomainEvent]:
        """Events recorded since the last pull; the unit of work writes them with the state."""
        pulled, self._events = self._events, []
        return pulled

    def _apply(self, command: Command, now: datetime) -> None:
        self.status = resolve(self.status, command)
        self.updated_at = now

    def _record(self, type_: str, now: datetime, data: dict[str, Any]) -> None:
        self.event_seq += 1
        self._events.append(
            ev.DomainEvent(
                id=f"evt_{self.id}_{self.event_seq:06d}",
                type=type_,
                store_hash=self.store_hash,
                subscription_id=self.id,
                seq=self.event_seq,
                occurred_at=now,
                data=data,
            )
        )


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")
