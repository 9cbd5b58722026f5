"""Allotments (D18): a quota or wallet granted to a customer, debited by use, refreshed on a
cadence. A grant is independent of any payment; a debit moves no money and neither does its
reversal. Balances are Decimal throughout, so currency never meets float arithmetic.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal, Protocol

import msgspec

from . import events as ev
from .actors import current_actor
from .errors import DomainError
from .record import FieldError, FrozenRecord, Record, StatefulRecord, from_data, to_data, within
from .schedule import Interval, shift
from .timestamps import iso_timestamp

# A sweep that ran late refreshes every period it missed, one event each, but never more than
# this many in one transaction (the rest follow on the next run).
MAX_PERIODS_PER_REFRESH = 24


class AllotmentUnit(StrEnum):
    CURRENCY = "currency"
    COUNT = "count"
    DURATION_MINUTES = "duration_minutes"


class Rollover(StrEnum):
    """What an unused balance does at a refresh: lapse, carry at most one period, or carry."""

    NONE = "none"
    CAP_TO_ONE_PERIOD = "cap_to_one_period"
    ACCUMULATE = "accumulate"


class GrantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class OrderDebit(StrEnum):
    """Which of the holder's BigCommerce orders debit the grant, and by how much."""

    NONE = "none"
    ORDER_TOTAL = "order_total"  # currency: the order's (or matching lines') total inc. tax
    ITEM_COUNT = "item_count"  # count: the quantity of the (matching) lines
    ORDER_COUNT = "order_count"  # count: one per order (with a matching line, if filtered)


ORDER_DEBITS_BY_UNIT = {
    AllotmentUnit.CURRENCY: {OrderDebit.NONE, OrderDebit.ORDER_TOTAL},
    AllotmentUnit.COUNT: {OrderDebit.NONE, OrderDebit.ITEM_COUNT, OrderDebit.ORDER_COUNT},
    AllotmentUnit.DURATION_MINUTES: {OrderDebit.NONE},
}


class InvalidAmount(DomainError, ValueError):
    """An amount that does not fit the grant's unit (a fraction of a count, a tenth of a cent)."""

    code = "invalid_amount"


class AllotmentNotActive(DomainError):
    code = "allotment_not_active"

    def __init__(self, status: str, action: str):
        super().__init__(f"cannot {action} an allotment that is {status}")


class InsufficientBalance(DomainError):
    """A debit would take the balance below zero (or below the overdraft limit)."""

    code = "insufficient_balance"

    def __init__(self, available: Decimal, amount: Decimal):
        super().__init__(f"debit of {amount} exceeds the available {available}")


class DebitAlreadyReversed(DomainError):
    code = "debit_already_reversed"

    def __init__(self) -> None:
        super().__init__("this debit was reversed already")


class RefreshCadence(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    interval: Interval
    interval_count: int = 1

    def __post_init__(self) -> None:
        within("interval_count", self.interval_count, 1, 365)


class GrantedBy(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Who granted it: a merchant user (their id) or a plan (the subscription that carries it)."""

    kind: Literal["merchant", "plan"]
    id: str


class DebitSource(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What consumed the allotment; an order or a charge debits a grant at most once."""

    kind: Literal["order", "charge", "manual"]
    id: str | None = None  # order id, "{subscription_id}#{cycle}", or a merchant's request key

    def key(self) -> str | None:
        """The idempotency key of the debit (None: a manual debit without a request key)."""
        return None if self.id is None else f"{self.kind}#{self.id}"


def exact(unit: AllotmentUnit, amount: Decimal) -> Decimal:
    """The amount at the unit's precision (cents, or whole counts and minutes)."""
    return amount.quantize(Decimal("0.01") if unit is AllotmentUnit.CURRENCY else Decimal(1))


def check_amount(unit: AllotmentUnit, amount: Decimal, what: str) -> None:
    """Currency to the cent; counts and minutes whole. Raises ValueError naming `what`."""
    if not amount.is_finite():
        raise InvalidAmount(f"{what} must be a finite number")
    places = 2 if unit is AllotmentUnit.CURRENCY else 0
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise InvalidAmount(f"{what} has more than {places} decimal places for unit {unit.value}")


class _Shaped(Protocol):
    @property
    def unit(self) -> AllotmentUnit: ...
    @property
    def currency_code(self) -> str | None: ...
    @property
    def amount_per_period(self) -> Decimal: ...
    @property
    def overdraft_limit(self) -> Decimal | None: ...
    @property
    def order_debit(self) -> OrderDebit: ...


def check_shape(terms: _Shaped) -> None:
    """What a grant (or a plan's allotment) must agree with itself on; ValueError if not."""
    if (terms.unit is AllotmentUnit.CURRENCY) != (terms.currency_code is not None):
        raise ValueError("currency_code is required for unit currency, and only for it")
    check_amount(terms.unit, terms.amount_per_period, "amount_per_period")
    if terms.overdraft_limit is not None:
        check_amount(terms.unit, terms.overdraft_limit, "overdraft_limit")
    if terms.order_debit not in ORDER_DEBITS_BY_UNIT[terms.unit]:
        raise ValueError(f"order_debit {terms.order_debit.value} does not fit {terms.unit.value}")


_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_PLAN_CEILING = Decimal(10) ** 9


def _check_amounts(terms: _Shaped, *, ceiling: Decimal | None) -> None:
    if terms.currency_code is not None and not _CURRENCY_CODE.fullmatch(terms.currency_code):
        raise FieldError("currency_code", "must be 3 capital letters")
    if not terms.amount_per_period > 0 or (ceiling and terms.amount_per_period > ceiling):
        raise FieldError("amount_per_period", "must be greater than 0" + _at_most(ceiling))
    limit = terms.overdraft_limit
    if limit is not None and (limit < 0 or (ceiling and limit > ceiling)):
        raise FieldError("overdraft_limit", "must not be negative" + _at_most(ceiling))


def _at_most(ceiling: Decimal | None) -> str:
    return "" if ceiling is None else f" and at most {ceiling}"


def rolled_over(
    balance: Decimal, amount: Decimal, rollover: Rollover
) -> tuple[Decimal, Decimal, Decimal]:
    """(new balance, carried, lapsed) at a refresh adding `amount`.

    Only unused balance rolls over; an overdraft already used is owed and always carries.
    """
    unused, owed = max(balance, Decimal(0)), min(balance, Decimal(0))
    match rollover:
        case Rollover.NONE:
            carried = Decimal(0)
        case Rollover.CAP_TO_ONE_PERIOD:
            carried = min(unused, amount)
        case Rollover.ACCUMULATE:
            carried = unused
    return owed + carried + amount, carried, unused - carried


class PlanAllotment(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a plan grants each subscriber when their subscription starts (one grant each)."""

    unit: AllotmentUnit
    currency_code: str | None = None
    amount_per_period: Decimal
    cadence: RefreshCadence | None = None
    rollover: Rollover = Rollover.NONE
    overdraft_limit: Decimal | None = None
    order_debit: OrderDebit = OrderDebit.NONE
    product_ids: tuple[int, ...] = ()
    reason: str = ""

    def __post_init__(self) -> None:
        _check_amounts(self, ceiling=_PLAN_CEILING)
        if len(self.product_ids) > 50:
            raise FieldError("product_ids", "at most 50")
        if len(self.reason) > 200:
            raise FieldError("reason", "must be at most 200 characters")
        check_shape(self)


class AllotmentDebit(Record, kw_only=True, forbid_unknown_fields=True):
    id: str
    store_hash: str
    grant_id: str
    amount: Decimal
    requested_amount: Decimal  # what was asked; an order debit may cover less (the rest owed)
    source: DebitSource
    reason: str = ""
    created_at: datetime
    reversed_at: datetime | None = None  # set once all of `amount` has been given back
    reversal_reason: str | None = None
    # Given back so far: by refunds of its order, each once (reversal id -> amount), and by
    # the merchant's reversal of what was left.
    reversed_amount: Decimal = Decimal(0)
    reversals: dict[str, Decimal] = msgspec.field(default_factory=dict)
    reversal_times: dict[str, datetime] = msgspec.field(default_factory=dict)  # reversal id -> when

    def remaining(self) -> Decimal:
        """What the debit still holds of the balance."""
        return Decimal(0) if self.reversed_at is not None else self.amount - self.reversed_amount


class AllotmentGrant(StatefulRecord, kw_only=True, forbid_unknown_fields=True):
    id: str
    store_hash: str
    customer_id: int
    unit: AllotmentUnit
    currency_code: str | None = None
    amount_per_period: Decimal
    balance: Decimal
    rollover: Rollover = Rollover.NONE
    overdraft_limit: Decimal | None = None
    cadence: RefreshCadence | None = None  # None: a one-off grant that never refreshes
    anchor: datetime  # period n starts at shift(anchor, cadence, n - 1)
    period: int = 1
    next_refresh_at: datetime | None = None
    status: GrantStatus = GrantStatus.ACTIVE
    granted_by: GrantedBy
    reason: str = ""
    order_debit: OrderDebit = OrderDebit.NONE
    product_ids: tuple[int, ...] = ()  # only lines of these products debit (empty: every line)
    subscription_id: str | None = None  # the subscription whose plan granted it
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)
    created_at: datetime
    updated_at: datetime
    event_seq: int = 0

    def __post_init__(self) -> None:
        if self.customer_id < 1:
            raise FieldError("customer_id", "must be greater than or equal to 1")
        _check_amounts(self, ceiling=None)
        check_shape(self)
        # Raised since the last pull; kept beside the fields, never stored with them.
        self._events: list[ev.DomainEvent] = []

    @classmethod
    def grant(cls, *, now: datetime, **fields: Any) -> AllotmentGrant:
        """A new grant, its first period full, with its `allotment.granted` event."""
        # Read like a stored grant: the caller's parts may be JSON-like (an API request's).
        grant = from_data(
            cls, {"anchor": now, "created_at": now, "updated_at": now, "balance": 0, **fields}
        )
        grant.amount_per_period = exact(grant.unit, grant.amount_per_period)
        if grant.overdraft_limit is not None:
            grant.overdraft_limit = exact(grant.unit, grant.overdraft_limit)
        grant.balance = grant.amount_per_period
        if grant.cadence is not None:
            grant.next_refresh_at = grant._period_end(1)
        grant._record(ev.ALLOTMENT_GRANTED, now, grant.summary())
        return grant

    # -- reading -------------------------------------------------------------------------------
    def available(self) -> Decimal:
        """What may still be debited: the balance plus any overdraft room."""
        return self.balance + (self.overdraft_limit or Decimal(0))

    def due_at(self) -> datetime | None:
        """When a refresh is due (None: nothing for a sweep to do)."""
        return self.next_refresh_at if self.status is GrantStatus.ACTIVE else None

    def summary(self) -> dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "unit": self.unit.value,
            "currency_code": self.currency_code,
            "amount_per_period": str(self.amount_per_period),
            "balance": str(self.balance),
            "rollover": self.rollover.value,
            "overdraft_limit": None if self.overdraft_limit is None else str(self.overdraft_limit),
            "period": self.period,
            "status": self.status.value,
            "granted_by": to_data(self.granted_by),
            "reason": self.reason,
            "next_refresh_at": iso_timestamp(self.next_refresh_at)
            if self.next_refresh_at
            else None,
        }

    # -- changing ------------------------------------------------------------------------------
    def debit(
        self,
        *,
        debit_id: str,
        amount: Decimal,
        source: DebitSource,
        now: datetime,
        reason: str = "",
        partial: bool = False,
    ) -> AllotmentDebit | None:
        """Take `amount` off the balance, never below the overdraft floor.

        Beyond what is available: refused (`InsufficientBalance`), or with `partial` (an order
        already placed) the available part is taken, and None when nothing is available.
        """
        if self.status is not GrantStatus.ACTIVE:
            raise AllotmentNotActive(self.status.value, "debit")
        check_amount(self.unit, amount, "amount")
        if amount <= 0:
            raise InvalidAmount("amount must be positive")
        amount = exact(self.unit, amount)
        taken = amount
        if amount > self.available():
            if not partial:
                raise InsufficientBalance(self.available(), amount)
            taken = max(self.available(), Decimal(0))
            if taken == 0:
                return None
        debit = AllotmentDebit(
            id=debit_id,
            store_hash=self.store_hash,
            grant_id=self.id,
            amount=taken,
            requested_amount=amount,
            source=source,
            reason=reason,
            created_at=now,
        )
        self.balance -= taken
        self.updated_at = now
        self._record(
            ev.ALLOTMENT_DEBITED,
            now,
            {
                "debit_id": debit.id,
                "amount": str(taken),
                "requested_amount": str(amount),
                "source": to_data(source),
                "balance": str(self.balance),
                "period": self.period,
            },
        )
        return debit

    def reverse(self, debit: AllotmentDebit, *, now: datetime, reason: str = "") -> None:
        """Give back what is left of a debit (a refund, a mistake); no money moves."""
        self._check_reversible(debit)
        if debit.reversed_at is not None:
            raise DebitAlreadyReversed()
        self._give_back(debit, debit.remaining(), now=now, reason=reason)

    def reverse_refunded(
        self, debit: AllotmentDebit, *, reversal_id: str, due: Decimal, now: datetime, reason: str
    ) -> Decimal:
        """A refund gives back its part of a debit once: what brings the debit's reversals up
        to `due` (all the order's refunds so far cover), never more than the debit holds.

        Returns what was given back (0: this refund was applied already, or covers nothing).
        """
        self._check_reversible(debit)
        if reversal_id in debit.reversals or debit.reversed_at is not None:
            return Decimal(0)
        part = min(due - debit.reversed_amount, debit.remaining())
        if part <= 0:
            return Decimal(0)
        debit.reversals[reversal_id] = part
        debit.reversal_times[reversal_id] = now
        self._give_back(debit, part, now=now, reason=reason, reversal_id=reversal_id)
        return part

    def _check_reversible(self, debit: AllotmentDebit) -> None:
        if debit.grant_id != self.id:
            raise ValueError("the debit belongs to another grant")
        if self.status is GrantStatus.REVOKED:
            raise AllotmentNotActive(self.status.value, "reverse a debit of")

    def _give_back(
        self,
        debit: AllotmentDebit,
        part: Decimal,
        *,
        now: datetime,
        reason: str,
        reversal_id: str | None = None,
    ) -> None:
        debit.reversed_amount += part
        if debit.reversed_amount >= debit.amount:
            debit.reversed_at, debit.reversal_reason = now, reason
        self.balance += part
        self.updated_at = now
        data: dict[str, Any] = {
            "debit_id": debit.id,
            "amount": str(part),
            "reason": reason,
            "balance": str(self.balance),
            "period": self.period,
        }
        if reversal_id is not None:
            data |= {"reversal_id": reversal_id, "remaining": str(debit.remaining())}
        self._record(ev.ALLOTMENT_DEBIT_REVERSED, now, data)

    def refresh(self, now: datetime) -> int:
        """Start every period whose start has passed, applying the rollover; how many.

        Idempotent per period: a period is started once, whoever asks how often.
        """
        started = 0
        while (
            self.status is GrantStatus.ACTIVE
            and self.next_refresh_at is not None
            and self.next_refresh_at <= now
            and started < MAX_PERIODS_PER_REFRESH
        ):
            previous = self.balance
            self.balance, carried, lapsed = rolled_over(
                previous, self.amount_per_period, self.rollover
            )
            self.period += 1
            refreshed_at = self.next_refresh_at
            self.next_refresh_at = self._period_end(self.period)
            started += 1
            self._record(
                ev.ALLOTMENT_REFRESHED,
                now,
                {
                    "period": self.period,
                    "period_started_at": iso_timestamp(refreshed_at),
                    "previous_balance": str(previous),
                    "carried": str(carried),
                    "lapsed": str(lapsed),
                    "added": str(self.amount_per_period),
                    "balance": str(self.balance),
                    "next_refresh_at": iso_timestamp(self.next_refresh_at),
                },
            )
        if started:
            self.updated_at = now
        return started

    def suspend(self, *, now: datetime, reason: str = "") -> None:
        if self.status is not GrantStatus.ACTIVE:
            raise AllotmentNotActive(self.status.value, "suspend")
        self._change_status(GrantStatus.SUSPENDED, ev.ALLOTMENT_SUSPENDED, now, reason)

    def resume(self, *, now: datetime, reason: str = "") -> None:
        """Active again; periods that began while suspended start at the next refresh run."""
        if self.status is not GrantStatus.SUSPENDED:
            raise AllotmentNotActive(self.status.value, "resume")
        self._change_status(GrantStatus.ACTIVE, ev.ALLOTMENT_RESUMED, now, reason)

    def revoke(self, *, now: datetime, reason: str = "") -> None:
        if self.status is GrantStatus.REVOKED:
            raise AllotmentNotActive(self.status.value, "revoke")
        self._change_status(GrantStatus.REVOKED, ev.ALLOTMENT_REVOKED, now, reason)
        self.next_refresh_at = None

    def pull_events(self) -> list[ev.DomainEvent]:
        pulled, self._events = self._events, []
        return pulled

    def _change_status(self, status: GrantStatus, type_: str, now: datetime, reason: str) -> None:
        previous, self.status, self.updated_at = self.status, status, now
        data = {"previous_status": previous.value, "reason": reason, "balance": str(self.balance)}
        self._record(type_, now, {**data, "status": status.value})

    def _period_end(self, period: int) -> datetime:
        assert self.cadence is not None
        return shift(self.anchor, self.cadence.interval, self.cadence.interval_count, period)

    def _record(self, type_: str, now: datetime, data: dict[str, Any]) -> None:
        self.event_seq += 1
        self._events.append(
            ev.DomainEvent(
                id=f"evt_{self.id}_{self.event_seq:06d}",
                type=type_,
                store_hash=self.store_hash,
                grant_id=self.id,
                seq=self.event_seq,
                actor=current_actor().as_data(),
                occurred_at=now,
                data={"grant_id": self.id, "customer_id": self.customer_id, **data},
            )
        )


def order_debit_amount(
    grant: AllotmentGrant, total_inc_tax: Decimal, lines: list[tuple[int, int, Decimal]]
) -> Decimal:
    """What an order debits the grant: `lines` are (product id, quantity, line total inc. tax).

    Zero when the grant does not debit orders or no line matches its products.
    """
    matching = [line for line in lines if not grant.product_ids or line[0] in grant.product_ids]
    if grant.order_debit is OrderDebit.NONE or (grant.product_ids and not matching):
        return Decimal(0)
    match grant.order_debit:
        case OrderDebit.ORDER_TOTAL:
            return (
                total_inc_tax
                if not grant.product_ids
                else sum((line[2] for line in matching), Decimal(0))
            )
        case OrderDebit.ITEM_COUNT:
            return Decimal(sum(line[1] for line in matching))
        case _:
            return Decimal(1)
