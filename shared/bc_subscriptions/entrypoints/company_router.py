"""B2B Edition routes only the merchant has: enrolling a company buyer (a support rep acting
for them) and a company's recurring revenue with its subsidiaries."""

from __future__ import annotations

from typing import Literal, cast

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import ConfigDict, Field
from ulid import ULID

from ..bootstrap import container
from ..domain.company import CompanyMembership, InvoiceTerms
from ..domain.subscription import Subscription
from ..ports.storage import UnitOfWork
from ..services.company_moves import refresh_company
from ..services.company_mrr import CompanyFigure, CompanyNotFound, store_company_mrr
from ..services.enrollment import Enrollment, EnrollmentDeps, EnrollmentRefused, enroll
from .api_base import ApiModel
from .api_models import SubscriptionView
from .change_pipeline import CurrentCaller
from .input_types import SingleLine
from .responses import error

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]


class EnrollmentRequest(ApiModel):
    """`po_number` and `net_terms_days` are checked by the enrollment itself, so a refusal
    names its rule (`po_number_required`, `net_terms_days_out_of_range`)."""

    model_config = ConfigDict(extra="forbid")

    customer_id: int = Field(ge=1)
    product_id: int = Field(ge=1)
    variant_id: int | None = Field(default=None, ge=1)
    quantity: int = Field(default=1, ge=1, le=10000)
    cadence: SingleLine = Field(min_length=1, max_length=100)
    payment: Literal["card", "purchase_order"]
    po_number: SingleLine | None = Field(default=None, max_length=200)
    net_terms_days: int | None = Field(
        default=None, description="0-120; null: the company's payment terms in B2B Edition"
    )
    currency: str = Field(default="USD", pattern="^[A-Z]{3}$")
    billing_address: dict[str, SingleLine]
    shipping_address: dict[str, SingleLine] | None = None


class EnrollmentView(ApiModel):
    subscription: SubscriptionView
    company: CompanyMembership
    invoice_terms: InvoiceTerms | None

    @classmethod
    def of(cls, sub: Subscription) -> EnrollmentView:
        assert sub.company is not None  # an enrollment is always a company's
        return cls(
            subscription=SubscriptionView.of(sub),
            company=sub.company,
            invoice_terms=sub.invoice_terms,
        )


class CompanyMrrFigure(ApiModel):
    company_id: int
    parent_company_id: int | None
    subscriptions: int
    mrr: dict[str, str] = Field(description="Monthly recurring revenue per currency")

    @classmethod
    def of(cls, figure: CompanyFigure) -> CompanyMrrFigure:
        mrr = {currency: str(amount) for currency, amount in figure.mrr.items()}
        return cls(
            company_id=figure.company_id,
            parent_company_id=figure.parent_company_id,
            subscriptions=figure.subscriptions,
            mrr=mrr,
        )


class CompanyMrrView(ApiModel):
    company_id: int
    mrr: dict[str, str] = Field(description="The company's own, per currency")
    total_mrr: dict[str, str] = Field(description="With every company below it, any depth")
    companies: list[CompanyMrrFigure]


@router.post("/enrollments")
def create_enrollment(caller: CurrentCaller, request: EnrollmentRequest) -> EnrollmentView:
    """Enroll a company buyer: their stored card, or a purchase order on net terms (no card).
    The first cycle is due at once; the renewal workflow places its order."""
    c = container()
    deps = EnrollmentDeps(
        uow=lambda: cast(UnitOfWork, c.unit_of_work()),
        bc=c.bigcommerce,
        companies=c.company_directory,
        plans=c.plan_catalog,
        clock=c.clock,
        new_id=lambda: f"sub_{ULID()}",
    )
    enrollment = Enrollment(**request.model_dump())
    return EnrollmentView.of(enroll(caller.store_hash, enrollment, deps))


@router.get("/companies/<company_id>/mrr")
def company_mrr(company_id: int, caller: CurrentCaller) -> CompanyMrrView:
    """The company's monthly recurring revenue, alone and with all its subsidiaries."""
    c = container()
    figure = store_company_mrr(
        caller.store_hash,
        company_id,
        uow=cast(UnitOfWork, c.unit_of_work()),
        directory=c.company_directory,
        index=c.company_subscriptions,
    )
    return CompanyMrrView(
        company_id=figure.company_id,
        mrr=CompanyMrrFigure.of(figure.own).mrr,
        total_mrr={currency: str(amount) for currency, amount in figure.total.items()},
        companies=[CompanyMrrFigure.of(f) for f in figure.companies],
    )


@router.post("/subscriptions/<subscription_id>/company/refresh")
def refresh_subscription_company(subscription_id: str, caller: CurrentCaller) -> SubscriptionView:
    """Ask B2B Edition again which company the buyer is in, and where that company sits; the
    subscription (and the company index) move there if it changed."""
    c = container()
    sub = refresh_company(
        caller.store_hash,
        subscription_id,
        uow=cast(UnitOfWork, c.unit_of_work()),
        directory=c.company_directory,
        clock=c.clock,
    )
    return SubscriptionView.of(sub)


@router.exception_handler(EnrollmentRefused)  # type: ignore[untyped-decorator]
def _refused(refused: EnrollmentRefused) -> Response[str]:
    return error(422, refused.code, str(refused))


@router.exception_handler(CompanyNotFound)  # type: ignore[untyped-decorator]
def _no_company(_: CompanyNotFound) -> Response[str]:
    return error(404, "not_found", "no such company")
