"""The Subscription aggregate: the contract (what renews, when, at what locked price, for whom).

The class holds the state, its start, its cycles and their renewal. Every other change is a
domain module acting on it (`subscription_*.py`, and the amendments of `amendments.py`),
through the same `transition` and `record_event`, so status and history change in one way.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from . import actors as act
from . import events as ev
from .company import CompanyMembership, InvoiceTerms, OpenInvoice
from .contract import ContractGuard
from .delivery import is_charge_cycle
from .dunning import DunningState
from .errors import DomainError
from .lifecycle import RENEWABLE, Command, Status, resolve
from .locations import DeliveryLocation
from .plan_terms import Cadence, PlanTerms
from .record import FieldError, Record, StatefulRecord, to_json_data
from .schedule import Interval, shift
from .scheduled_change import ChangeKind, ScheduledChange
from .subscription_payment_method import ask_for_card, spend_link
from .subscription_pricing import renewal_total
from .timestamps import iso_timestamp

if TYPE_CHECKING:
    from .amendments import Amendment


class LockedLine(Record, kw_only=True):
    """An order line as bought; renewals charge exactly these prices (price lock)."""

    product_id: int
    variant_id: int | None = None
    name: str = ""
    sku: str = ""
    quantity: int
    price_ex_tax: Decimal
    price_inc_tax: Decimal
    product_options: list[dict[str, Any]] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise FieldError("quantity", "must be greater than 0")


class PaymentMethod(Record, kw_only=True):
    """The shopper's stored instrument: BigCommerce token plus the gateway method id."""

    instrument_token: str
    payment_method_id: str
    # The stored instrument's own type, sent back with every payment (records from before it
    # was kept were all cards).
    instrument_type: Literal["stored_card", "stored_paypal_account", "stored_bank_account"] = (
        "stored_card"
    )
    # When the card last proved good (checkout, a paid renewal, or a verification). BigCommerce
    # does not expose the network transaction id itself, so its age stands in for the NTI's.
    verified_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.instrument_type not in _INSTRUMENT_TYPES:
            raise FieldError("instrument_type", f"not a stored instrument: {self.instrument_type}")


_INSTRUMENT_TYPES = frozenset({"stored_card", "stored_paypal_account", "stored_bank_account"})


class ActionLink(Record, kw_only=True):
    """A single-use link for the shopper to authenticate a payment or choose another card;
    only its hash is kept."""

    token_sha256: str
    cycle: int
    expires_at: datetime
    used_at: datetime | None = None
    # What the shopper is asked to do (records from before it was kept were all 3-D Secure).
    action: Literal["authenticate", "new_card"] = "authenticate"


class Subscription(StatefulRecord, kw_only=True):
    """One current record per subscription; every change goes through `resolve`. Stored
    through `stored_data`, which leaves out the parts added after records existed."""

    store_hash: str
    id: str
    customer_id: int
    status: Status
    cadence: Cadence
    currency: str
    lines: list[LockedLine]
    billing_address: dict[str, str]
    # Where renewals ship and by which method (`shipping_method` in the address); an order
    # that shipped to several addresses keeps the others here, in the checkout's order.
    shipping_address: dict[str, str] | None = None
    extra_shipping_addresses: list[dict[str, str]] = msgspec.field(default_factory=list)
    # The shipping the shopper agreed to at checkout, charged on every paid renewal (like the
    # price lock) unless the plan ships free. Records from before it was kept ship at zero.
    shipping_cost_ex_tax: Decimal = Decimal("0")
    shipping_cost_inc_tax: Decimal = Decimal("0")
    # Several delivery locations, one order each per cycle (`domain/locations.py`); none: the
    # one order above. These are what the next cycle not yet claimed ships to.
    delivery_locations: list[DeliveryLocation] = msgspec.field(default_factory=list)
    # The storefront channel the checkout came through; renewals land in the same one.
    channel_id: int = 1
    # The checkout order's payment method name (e.g. "Credit Card"), shown on renewal orders.
    order_payment_method: str = ""
    payment_method: PaymentMethod | None = None
    terms: PlanTerms = msgspec.field(default_factory=PlanTerms)
    origin_order_id: int
    anchor_at: datetime
    anchor_cycle: int
    next_cycle: int
    created_at: datetime
    updated_at: datetime
    event_seq: int = 0
    # Cycles paid so far, the checkout included: commitment and fixed length count these.
    paid_cycles: int = 0
    dunning: DunningState | None = None
    action_link: ActionLink | None = None
    # The end of a pause and a cancel at period end (the start of the cycle not renewed), at
    # most one of each; the renewal worker applies them when they come.
    scheduled: tuple[ScheduledChange, ...] = ()
    # A contract term negotiated for this subscription; it wins over the store's.
    contract: ContractGuard | None = None
    # B2B Edition: the company the subscription belongs to, and purchase-order terms when it
    # is invoiced instead of charged (see `domain.company`).
    company: CompanyMembership | None = None
    invoice_terms: InvoiceTerms | None = None
    open_invoices: tuple[OpenInvoice, ...] = ()
    # The store's B2B policy holds new invoices while one is overdue.
    invoice_hold: bool = False
    # This pause is the B2B policy's on an overdue invoice (not a merchant's, shopper's or
    # dunning's): paying the last overdue one resumes it. Any resume clears it.
    invoice_paused: bool = False
    # Who the subscription is for (`actors`); empty on records from before actors existed,
    # which read as owner = payer = beneficiary = `customer_id` (`actors_in_force`).
    actors: tuple[act.Actor, ...] = ()
    # Merchant-defined values, each meeting its store's definition (see `custom_fields`).
    custom_fields: dict[str, Any] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.lines:
            raise FieldError("lines", "at least one line")
        for name in ("shipping_cost_ex_tax", "shipping_cost_inc_tax"):
            if getattr(self, name) < 0:
                raise FieldError(name, "must not be negative")
        if self.channel_id < 1:
            raise FieldError("channel_id", "must be greater than or equal to 1")
        if self.anchor_cycle < 1:
            raise FieldError("anchor_cycle", "must be greater than or equal to 1")
        if self.next_cycle < 2:
            raise FieldError("next_cycle", "must be greater than or equal to 2")
        _one_of_each_kind(self.scheduled)
        # Runtime state beside the fields, never stored: the events raised since the last
        # pull, and who acted (set here, else the caller the pipeline runs for).
        self._events: list[ev.DomainEvent] = []
        self._acting: act.EventActor | None = None

    @classmethod
    def start(
        cls,
        *,
        now: datetime,
        trial_days: int = 0,
        card_link: tuple[ActionLink, str] | None = None,
        enrolled: bool = False,
        first_delivery_at: datetime | None = None,
        **fields: Any,
    ) -> Subscription:
        """A new subscription from a paid checkout order; the order is cycle 1. Without a
        stored card, `card_link` (the link and its token) goes out asking the shopper for one.
        A gift's later `first_delivery_at` is when cycle 1 starts: renewals count from it."""
        sub = cls(
            status=Status.PENDING,
            anchor_cycle=1,
            next_cycle=2,
            created_at=now,
            updated_at=now,
            anchor_at=first_delivery_at or now,
            **fields,
        )
        if sub.payment_method is not None and sub.payment_method.verified_at is None:
            sub.payment_method.verified_at = now
        if sub.payment_method is None and sub.invoice_terms is None:
            sub.transition(Command.REQUIRE_ACTION, now)
            ask_for_card(sub, sub.next_cycle, None, card_link, now)
        elif trial_days:
            # The trial is cycle 1; the first paid cycle starts when it ends.
            sub.anchor_at, sub.anchor_cycle = shift(sub.anchor_at, Interval.DAY, 1, trial_days), 2
            sub.transition(Command.START_TRIAL, now)
        else:
            sub.transition(Command.ACTIVATE, now)
        if enrolled:
            # Enrolled by the merchant, no checkout order: the first paid cycle is due at once
            # and the renewal workflow places its order, exactly once, like any other cycle.
            sub.anchor_cycle = 2
        # The checkout order paid cycle 1 unless it was a trial (or there is nothing to charge).
        sub.paid_cycles = 1 if sub.anchor_cycle == 1 else 0
        sub._record(ev.SUBSCRIPTION_CREATED, now, sub.summary())
        return sub

    def actors_in_force(self) -> tuple[act.Actor, ...]:
        """The actors, or the one-customer default of a record that has none."""
        return self.actors or act.default_actors(self.customer_id, self.created_at)

    @property
    def payer_customer_id(self) -> int:
        """Whose stored cards pay (and whom renewal orders are for)."""
        return act.holder(self.actors_in_force(), act.Role.PAYER) or self.customer_id

    @property
    def beneficiary_customer_id(self) -> int:
        """Who receives: the beneficiary, by default the owner."""
        held = self.actors_in_force()
        return (
            act.holder(held, act.Role.BENEFICIARY)
            or act.holder(held, act.Role.OWNER)
            or self.customer_id
        )

    def acting_as(self, actor: act.EventActor) -> None:
        """Record `actor` as who acted on the events raised from now on."""
        self._acting = actor

    @property
    def acting_actor(self) -> act.EventActor:
        """Who acts on what happens now: the one set by `acting_as`, else the pipeline's caller."""
        return self._acting or act.current_actor()

    @property
    def next_renewal_at(self) -> datetime:
        return self.cycle_starts_at(self.next_cycle)

    def cycle_starts_at(self, cycle: int) -> datetime:
        periods = cycle - self.anchor_cycle
        return shift(self.anchor_at, self.cadence.interval, self.cadence.interval_count, periods)

    def charges_on(self, cycle: int) -> bool:
        """Whether `cycle` is paid for (prepaid plans pay once per billing_period_count)."""
        return is_charge_cycle(cycle, self.terms.billing_period_count)

    def due_at(self) -> datetime | None:
        """When a sweep should pick the subscription up (None: not swept at all): the renewal,
        the dunning step, the end of a scheduled pause, or a scheduled cancel if earlier."""
        due = [change.at for change in self.scheduled if not change.ended_by(self.status)]
        # An invoice left unpaid is looked at once more, when it falls due.
        due += [i.due_at for i in self.open_invoices if not i.overdue]
        if self.status in RENEWABLE and not self.invoice_hold:
            due.append(self.next_renewal_at)
        elif self.status in (Status.PAST_DUE, Status.REQUIRES_ACTION) and self.dunning is not None:
            due.append(self.dunning.due_at)
        return min(due, default=None)

    def scheduled_change(self, kind: ChangeKind) -> ScheduledChange | None:
        return next((change for change in self.scheduled if change.kind is kind), None)

    def scheduled_at(self, kind: ChangeKind) -> datetime | None:
        """When the scheduled change of `kind` takes effect (None: none is scheduled)."""
        change = self.scheduled_change(kind)
        return None if change is None else change.at

    def schedule(self, change: ScheduledChange) -> None:
        """`change` takes effect later, instead of any other of its kind."""
        self.unschedule(change.kind)
        self.scheduled = (*self.scheduled, change)

    def unschedule(self, kind: ChangeKind) -> None:
        """Drop the scheduled change of `kind`, if there is one."""
        self.scheduled = tuple(change for change in self.scheduled if change.kind is not kind)

    def is_due(self, now: datetime) -> bool:
        due_at = self.due_at()
        return due_at is not None and due_at <= now

    @property
    def fixed_length_done(self) -> bool:
        """A fixed-length subscription has had all its paid cycles."""
        return self.terms.max_cycles is not None and self.paid_cycles >= self.terms.max_cycles

    @property
    def commitment_met(self) -> bool:
        return self.paid_cycles >= self.terms.commitment_count

    def record_renewal(
        self,
        *,
        cycle: int,
        order_id: int,
        transaction_id: str,
        now: datetime,
        amount: Decimal | None = None,
    ) -> None:
        """The cycle's order is paid: advance to the next cycle (a recovery ends dunning)."""
        self.transition(Command.RECORD_RENEWAL, now)
        self.paid_cycles += 1
        self.dunning = None
        # A link still out is of no use any more; kept spent, so it says so when followed.
        spend_link(self, now)
        if self.payment_method is not None:
            self.payment_method.verified_at = now
        self._record(
            ev.CHARGE_SUCCEEDED,
            now,
            {
                "cycle": cycle,
                "order_id": order_id,
                "transaction_id": transaction_id,
                # Several locations: what all the cycle's orders came to together.
                "amount": str(renewal_total(self) if amount is None else amount),
                "currency": self.currency,
            },
        )
        self.finish_cycle(cycle, order_id, now)

    def reopen_voided_cycle(self, cycle: int) -> None:
        """The cycle's authorization was voided: it is unpaid again and due for payment."""
        if self.next_cycle != cycle + 1 or self.paid_cycles < 1:
            raise DomainError(f"cycle {cycle} is not the last paid cycle")
        self.paid_cycles -= 1
        self.next_cycle = cycle

    def record_delivery(self, *, cycle: int, order_id: int, now: datetime) -> None:
        """A prepaid cycle got its fulfilment order; the earlier charge covers it."""
        self.transition(Command.RECORD_RENEWAL, now)
        self.paid_cycles += 1
        self.finish_cycle(cycle, order_id, now)

    def finish_cycle(self, cycle: int, order_id: int, now: datetime) -> None:
        """The cycle is done (paid, invoiced or delivered): the next one is due, and said so."""
        self.next_cycle = cycle + 1
        self._record(
            ev.SUBSCRIPTION_RENEWED,
            now,
            {
                "cycle": cycle,
                "order_id": order_id,
                "next_renewal_at": iso_timestamp(self.next_renewal_at),
            },
        )

    def record_stage(self, *, cycle: int, stage: str, now: datetime, **data: Any) -> None:
        """A renewal stage was recorded (`charge.stage.<stage>`), for the audit trail."""
        self._record(f"charge.stage.{stage}", now, {"cycle": cycle, **data})

    def record_payment_action(self, type_: str, *, cycle: int, now: datetime, **data: Any) -> None:
        """A capture, void or fulfilment of one cycle (authorized payments, shipments)."""
        self.updated_at = now
        self._record(type_, now, {"cycle": cycle, **data})

    def expire(self, now: datetime) -> None:
        """A fixed-length subscription had its last paid cycle."""
        self.transition(Command.EXPIRE, now)
        self._record(ev.SUBSCRIPTION_EXPIRED, now, {"paid_cycles": self.paid_cycles})

    def skip_next_cycle(self, now: datetime) -> None:
        """The shopper skips the coming cycle: nothing is charged or shipped for it."""
        if self.status not in RENEWABLE:
            raise DomainError(f"a {self.status.value} subscription has no cycle to skip")
        skipped = self.next_cycle
        self.next_cycle += 1
        self.updated_at = now
        self._record(
            ev.SUBSCRIPTION_CYCLE_SKIPPED,
            now,
            {"cycle": skipped, "next_renewal_at": iso_timestamp(self.next_renewal_at)},
        )

    def amend(self, amendment: Amendment, now: datetime) -> None:
        """Change what renews from the next renewal on (see `amendments`): the amendment's own
        refusals first, then the lifecycle's, then the change and its `subscription.updated`."""
        amendment.check(self)
        self.transition(Command.AMEND, now)
        self._amended(now, amendment.apply(self))

    def _amended(self, now: datetime, changes: dict[str, Any]) -> None:
        self._record(
            ev.SUBSCRIPTION_UPDATED,
            now,
            {
                "changes": changes,
                "effective_cycle": self.next_cycle,
                "next_renewal_at": iso_timestamp(self.next_renewal_at),
                "next_renewal_total": str(renewal_total(self)),
            },
        )

    def summary(self) -> dict[str, Any]:
        """The public view of the contract carried by `subscription.*` events."""
        return {
            "status": self.status.value,
            "customer_id": self.customer_id,
            # Who pays and who receives: the customer, unless the subscription is a gift.
            "payer_customer_id": self.payer_customer_id,
            "beneficiary_customer_id": self.beneficiary_customer_id,
            "origin_order_id": self.origin_order_id,
            # Whether the plan still sells the cadence is the plan's business, not the contract's.
            "cadence": {
                k: v
                for k, v in to_json_data(self.cadence).items()
                if k not in ("retired", "option_value_id")
            },
            "currency": self.currency,
            "lines": [to_json_data(line) for line in self.lines],
            "next_renewal_at": iso_timestamp(self.next_renewal_at),
        }

    def record_event(self, type_: str, now: datetime, data: dict[str, Any]) -> None:
        """An event about the subscription (a change request's progress, or one a domain
        module records): it joins the subscription's history and outbox with the next save."""
        self._record(type_, now, data)

    def pull_events(self) -> list[ev.DomainEvent]:
        """Events recorded since the last pull; the unit of work writes them with the state."""
        pulled, self._events = self._events, []
        return pulled

    def transition(self, command: Command, now: datetime) -> None:
        """Move to the status the lifecycle gives `command`; the one way the status changes,
        here and in the domain modules that act on a subscription (`subscription_*`)."""
        self.status = resolve(self.status, command)
        self.updated_at = now
        # Scheduled changes end with the state they were scheduled for.
        self.scheduled = tuple(c for c in self.scheduled if not c.ended_by(self.status))

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
                actor=self.acting_actor.as_data(),
            )
        )


# Company subscriptions' fields and their values when unset (left out of the record then).
_B2B_DEFAULTS: dict[str, Any] = {
    "company": None,
    "invoice_terms": None,
    "open_invoices": (),
    "invoice_hold": False,
    "invoice_paused": False,
}


def _one_of_each_kind(value: tuple[ScheduledChange, ...]) -> tuple[ScheduledChange, ...]:
    if len({change.kind for change in value}) != len(value):
        raise FieldError("scheduled", "at most one scheduled change of each kind")
    return value


def stored_data(sub: Subscription) -> dict[str, Any]:
    """The subscription as stored (JSON-like). Parts added after records existed are left out
    while empty, so those records keep their stored shape: no actors (the one-customer
    default), no delivery locations (the one order to the subscription's address), no custom
    field values; and a personal subscription keeps the shape it had before companies."""
    data = to_json_data(sub)
    for part in ("actors", "delivery_locations", "custom_fields"):
        if not data.get(part):
            data.pop(part, None)
    for name, unset in _B2B_DEFAULTS.items():
        # (a tuple is a list in JSON)
        if name in data and data[name] in (unset, list(unset or [])):
            del data[name]
    return data


def stored_json(sub: Subscription) -> str:
    """The subscription's stored document."""
    return msgspec.json.encode(stored_data(sub)).decode()
