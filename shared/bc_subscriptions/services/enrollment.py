"""Merchant-side enrollment (a support rep acting for a company buyer): a subscription created
from the admin API, charged to the buyer's stored card or invoiced on purchase-order terms.

Every rule is checked before anything is written; a refusal names the rule. The plan's terms
(tiers, commitment, prepaid periods) and the price lock apply exactly as at checkout: the
catalog price of today is locked into the line, and every cycle, the first included, is priced
from it by the same pricing code. Nothing is paid at enrollment: the first cycle is due at
once and the renewal workflow places its order (charged, or invoiced) exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

import msgspec

from ..domain.company import MAX_NET_TERMS_DAYS, CompanyMembership, InvoiceTerms
from ..domain.errors import DomainError
from ..domain.record import from_data
from ..domain.subscription import LockedLine, PaymentMethod, Subscription
from ..ports.bigcommerce import Address, BigCommerce, ShippingAddress
from ..ports.storage import CustomerLink, UnitOfWork
from .capture_from_order import INSTRUMENT_TYPES, PlanLookup

if TYPE_CHECKING:
    from ..domain.plan import Cadence, Plan
    from ..ports.clock import Clock
    from .company_directory import CompanyDirectory

# A company's payment terms when B2B Edition says none for it.
DEFAULT_NET_TERMS_DAYS = 30


class EnrollmentRefused(DomainError):
    """The enrollment breaks a rule; `code` names it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class Enrollment(msgspec.Struct, frozen=True):
    customer_id: int
    product_id: int
    quantity: int
    cadence: str
    payment: Literal["card", "purchase_order"]
    billing_address: dict[str, str]
    variant_id: int | None = None
    shipping_address: dict[str, str] | None = None
    po_number: str | None = None
    net_terms_days: int | None = None
    # The store's transactional currency the subscription renews in.
    currency: str = "USD"


class EnrollmentDeps(msgspec.Struct, frozen=True):
    uow: Callable[[], UnitOfWork]
    bc: BigCommerce
    companies: CompanyDirectory
    plans: PlanLookup
    clock: Clock
    new_id: Callable[[], str]


def enroll(store_hash: str, req: Enrollment, deps: EnrollmentDeps) -> Subscription:
    """The new subscription, committed with its company index and customer link."""
    now = deps.clock.now()
    with deps.uow() as uow:
        settings = uow.tenant_configs.get(store_hash).b2b
    if settings is None:
        raise EnrollmentRefused("b2b_not_enabled", "the store is not set up for B2B Edition")
    cache = timedelta(minutes=settings.company_cache_minutes)
    if req.quantity < 1:
        raise EnrollmentRefused("quantity_invalid", "quantity must be at least 1")
    billing, shipping = _addresses(req)
    company = _company(store_hash, req.customer_id, deps.companies, cache)
    plan = deps.plans.plans_for(store_hash, [req.product_id], now).get(req.product_id)
    if plan is None:
        raise EnrollmentRefused("no_plan", f"product {req.product_id} has no subscription plan")
    cadence = _cadence(plan, req.cadence)
    invoice, card = None, None
    if req.payment == "purchase_order":
        invoice = _invoice_terms(store_hash, req, company.company_id, deps.companies)
    else:
        card = _stored_card(store_hash, req.customer_id, deps.bc)
    line = _locked_line(store_hash, req, deps.bc)
    sub = Subscription.start(
        now=now,
        enrolled=True,
        store_hash=store_hash,
        id=deps.new_id(),
        customer_id=req.customer_id,
        cadence=cadence,
        currency=req.currency,
        lines=[line],
        billing_address=billing,
        shipping_address=shipping,
        payment_method=card,
        order_payment_method="Purchase Order" if invoice else "",
        terms=plan.terms(),
        origin_order_id=0,
        company=company,
        invoice_terms=invoice,
    )
    with deps.uow() as uow:
        uow.subscriptions.add(sub)
        token = card.instrument_token if card else None
        uow.customer_links.add(CustomerLink(store_hash, req.customer_id, sub.id, token))
        uow.commit()
    return sub


def _addresses(req: Enrollment) -> tuple[dict[str, str], dict[str, str] | None]:
    try:
        billing = msgspec.structs.asdict(msgspec.convert(req.billing_address, type=Address))
        shipping = (
            msgspec.structs.asdict(msgspec.convert(req.shipping_address, type=ShippingAddress))
            if req.shipping_address is not None
            else None
        )
    except msgspec.ValidationError as exc:
        raise EnrollmentRefused("address_invalid", str(exc)) from None
    # Every renewal order carries this address, and BigCommerce refuses an order whose
    # billing zip is shorter than two characters: refuse it now, not at the first renewal.
    complete = billing["first_name"] and billing["street_1"] and billing["country_iso2"]
    if not complete or len(billing["zip"].strip()) < 2:
        raise EnrollmentRefused(
            "address_invalid", "billing_address needs first_name, street_1, zip and country_iso2"
        )
    return billing, shipping


def _company(
    store_hash: str, customer_id: int, companies: CompanyDirectory, cache: timedelta
) -> CompanyMembership:
    company = companies.membership(store_hash, customer_id, cache)
    if company is None:
        raise EnrollmentRefused(
            "not_a_company_buyer", f"customer {customer_id} buys for no company in B2B Edition"
        )
    return company


def _cadence(plan: Plan, label: str) -> Cadence:
    wanted = label.strip().casefold()
    found = next((c for c in plan.offered() if c.label.casefold() == wanted), None)
    if found is None:
        offered = ", ".join(c.label for c in plan.offered())
        raise EnrollmentRefused("unknown_cadence", f"cadence {label!r} is not one of {offered}")
    return found


def _invoice_terms(
    store_hash: str, req: Enrollment, company_id: int, companies: CompanyDirectory
) -> InvoiceTerms:
    po = (req.po_number or "").strip()
    if not po:
        raise EnrollmentRefused("po_number_required", "a purchase-order enrollment needs po_number")
    if len(po) > 50:
        raise EnrollmentRefused("po_number_too_long", "po_number is at most 50 characters")
    days = req.net_terms_days
    if days is None:
        terms = companies.payment_terms(store_hash, company_id)
        days = terms.days if terms is not None else DEFAULT_NET_TERMS_DAYS
    if not 0 <= days <= MAX_NET_TERMS_DAYS:
        raise EnrollmentRefused(
            "net_terms_days_out_of_range", f"net_terms_days must be 0 to {MAX_NET_TERMS_DAYS}"
        )
    return InvoiceTerms(po_number=po, net_terms_days=days)


def _stored_card(store_hash: str, customer_id: int, bc: BigCommerce) -> PaymentMethod:
    """The buyer's default stored instrument (else their first) the Payments API can charge."""
    usable = [
        i for i in bc.list_stored_instruments(store_hash, customer_id) if i.type in INSTRUMENT_TYPES
    ]
    if not usable:
        raise EnrollmentRefused("no_stored_card", f"customer {customer_id} has no stored card")
    chosen = next((i for i in usable if i.is_default), usable[0])
    # The gateway method is learnt from BigCommerce at the first charge (empty: not known yet).
    return from_data(
        PaymentMethod,
        {"instrument_token": chosen.token, "payment_method_id": "", "instrument_type": chosen.type},
    )


def _locked_line(store_hash: str, req: Enrollment, bc: BigCommerce) -> LockedLine:
    """The line at today's catalog price, locked for every renewal (as checkout locks the
    price it sold at)."""
    variants = bc.get_product_variants(store_hash, req.product_id)
    if req.variant_id is not None:
        variant = next((v for v in variants if v.id == req.variant_id), None)
    else:
        variant = variants[0] if len(variants) == 1 else None
    if variant is None:
        raise EnrollmentRefused(
            "variant_required" if req.variant_id is None else "unknown_variant",
            f"name one of product {req.product_id}'s variants",
        )
    if variant.purchasing_disabled:
        raise EnrollmentRefused("variant_not_purchasable", f"variant {variant.id} is not for sale")
    price = variant.calculated_price
    return LockedLine(
        product_id=req.product_id,
        variant_id=variant.id if req.variant_id is not None else None,
        sku=variant.sku,
        quantity=req.quantity,
        price_ex_tax=price,
        price_inc_tax=price,
    )
