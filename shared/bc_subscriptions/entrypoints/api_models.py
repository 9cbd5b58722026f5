"""Request and response models of the admin and portal APIs (they generate the OpenAPI doc)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from ..domain.company import CompanyMembership, InvoiceTerms
from ..domain.contract import ContractGuard, term_end_problem
from ..domain.record import to_json_data
from ..domain.scheduled_change import MAX_PAUSE_DAYS, ChangeKind
from ..domain.subscription import Subscription
from ..ports.storage import CachedPlan
from .api_base import ApiModel
from .input_types import Id, SingleLine, StrictCount


class LineView(ApiModel):
    product_id: int
    variant_id: int | None
    name: str
    quantity: int
    price_inc_tax: Decimal


class SubscriptionView(ApiModel):
    id: str
    status: str
    customer_id: int
    cadence_label: str
    currency: str
    lines: list[LineView]
    next_cycle: int
    next_renewal_at: datetime
    paid_cycles: int
    commitment_count: int
    shipping_address: dict[str, str] | None
    resume_at: datetime | None = Field(
        default=None, description="A paused subscription resumes then; null: no end scheduled"
    )
    cancel_at: datetime | None = Field(
        default=None, description="Cancelled then instead of renewed; null: none scheduled"
    )
    # The subscription's own contract term (null: the store's applies, if any).
    contract: ContractGuard | None = None
    # B2B Edition: the company it belongs to (null: a personal subscription), and its
    # purchase-order terms when it is invoiced instead of charged.
    company: CompanyMembership | None = None
    invoice_terms: InvoiceTerms | None = None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, sub: Subscription) -> SubscriptionView:
        return cls(
            id=sub.id,
            status=sub.status.value,
            customer_id=sub.customer_id,
            cadence_label=sub.cadence.label,
            currency=sub.currency,
            lines=[
                LineView(
                    product_id=line.product_id,
                    variant_id=line.variant_id,
                    name=line.name,
                    quantity=line.quantity,
                    price_inc_tax=line.price_inc_tax,
                )
                for line in sub.lines
            ],
            next_cycle=sub.next_cycle,
            next_renewal_at=sub.next_renewal_at,
            paid_cycles=sub.paid_cycles,
            commitment_count=sub.terms.commitment_count,
            shipping_address=sub.shipping_address,
            resume_at=sub.scheduled_at(ChangeKind.RESUME),
            cancel_at=sub.scheduled_at(ChangeKind.CANCEL),
            contract=sub.contract,
            company=sub.company,
            invoice_terms=sub.invoice_terms,
            created_at=sub.created_at,
            updated_at=sub.updated_at,
        )


class ContractTerm(ApiModel):
    """A subscription's own contract term as the merchant sends it (see `ContractGuard`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    term_end_at: AwareDatetime
    notice_period_days: int = Field(ge=0, le=366, strict=True)
    mode: Literal["block", "route"]

    @field_validator("term_end_at")
    @classmethod
    def _within_bounds(cls, value: datetime) -> datetime:
        if problem := term_end_problem(value):
            raise ValueError(problem)
        return value

    def guard(self) -> ContractGuard:
        return ContractGuard(
            term_end_at=self.term_end_at,
            notice_period_days=self.notice_period_days,
            mode=self.mode,
        )


class CancelView(SubscriptionView):
    early_cancel_fee: Decimal | None = Field(
        default=None,
        description="Owed for cancelling early (recorded, not charged; for a cancel at period "
        "end, decided now and owed once it takes effect); null: no fee",
    )


class SubscriptionList(ApiModel):
    items: list[SubscriptionView]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: done")


class DunningView(ApiModel):
    cycle: int
    failed_attempts: int
    first_failed_at: datetime
    decline_class: str
    next: str = Field(description="retry, new_card, authenticate or give_up")
    next_retry_at: datetime | None = Field(description="The scheduled retry; null: none")
    final_action_at: datetime
    reason: str = Field(description="Why the last attempt failed, with BigCommerce's code")


class OpsQueueItem(ApiModel):
    subscription: SubscriptionView
    dunning: DunningView | None

    @classmethod
    def of(cls, sub: Subscription) -> OpsQueueItem:
        d = sub.dunning
        view = None
        if d is not None:
            view = DunningView(
                cycle=d.cycle,
                failed_attempts=d.failed_attempts,
                first_failed_at=d.first_failed_at,
                decline_class=d.decline_class.value,
                next=d.next.value,
                next_retry_at=d.next_retry_at,
                final_action_at=d.final_action_at,
                reason=d.reason,
            )
        return cls(subscription=SubscriptionView.of(sub), dunning=view)


class OpsQueue(ApiModel):
    items: list[OpsQueueItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null: done")


class SessionRenewal(ApiModel):
    token: str = Field(description="Send as `Authorization: Bearer`; replaces the old one")
    expires_at: int = Field(description="Epoch seconds; renew before then")


class RetryScheduled(ApiModel):
    subscription: SubscriptionView
    cycle: int


class SubscriptionDetail(ApiModel):
    subscription: SubscriptionView
    charges: list[dict[str, Any]]
    deliveries: list[dict[str, Any]]
    events: list[dict[str, Any]]


class CancelRequest(ApiModel):
    model_config = ConfigDict(extra="forbid")

    when: Literal["immediately", "period_end"] = Field(
        default="immediately",
        description="immediately, or period_end: runs until the next renewal date, which is "
        "cancelled instead of charged (trialing and active subscriptions only)",
    )


class PauseRequest(ApiModel):
    """An optional body: without it (or with `resume_at` null) the pause is indefinite."""

    model_config = ConfigDict(extra="forbid")

    resume_at: AwareDatetime | None = Field(
        default=None,
        description=f"Resume automatically at this time (future, at most {MAX_PAUSE_DAYS} days "
        "ahead); cycles starting before it are skipped, the first starting at or after it renews",
    )


class ApiError(ApiModel):
    error: str
    message: str


class PlanView(ApiModel):
    """A product's plan as BigCommerce holds it: `plan` null with no `error` means the
    product is not subscribable; an invalid metafield comes back as `error`."""

    product_id: int
    plan: dict[str, Any] | None
    error: str | None
    read_at: datetime | None

    @classmethod
    def of(cls, entry: CachedPlan) -> PlanView:
        plan = None if entry.plan is None else to_json_data(entry.plan)
        return cls(
            product_id=entry.product_id, plan=plan, error=entry.error, read_at=entry.refreshed_at
        )


class VariantSwap(ApiModel):
    model_config = ConfigDict(extra="forbid")

    product_id: Id
    variant_id: Id


class QuantityChange(ApiModel):
    model_config = ConfigDict(extra="forbid")

    product_id: Id
    quantity: StrictCount = Field(ge=1, le=10_000)


class CadenceChange(ApiModel):
    model_config = ConfigDict(extra="forbid")

    cadence: SingleLine = Field(
        min_length=1, max_length=100, description="a cadence label of the plan"
    )


class AddressChange(ApiModel):
    """Where renewals ship; fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    first_name: SingleLine = Field(min_length=1, max_length=100)
    last_name: SingleLine = Field(min_length=1, max_length=100)
    street_1: SingleLine = Field(min_length=1, max_length=255)
    street_2: SingleLine | None = Field(default=None, max_length=255)
    city: SingleLine = Field(min_length=1, max_length=100)
    state: SingleLine | None = Field(default=None, max_length=100)
    zip: SingleLine = Field(min_length=1, max_length=20)
    country_iso2: SingleLine = Field(pattern="^[A-Z]{2}$")
    phone: SingleLine | None = Field(default=None, max_length=50)

    def fields(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v is not None}
