"""Turn a paid checkout order into subscriptions: one per distinct cadence, exactly once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

from ..domain.actors import Actor, ActorType, EventActor, gift_actors
from ..domain.custom_field_entry import checkout_custom_fields, option_values
from ..domain.gift_note import InvalidGiftNote, parse_gift_note
from ..domain.gift_refusal import (
    GUEST_BUYER,
    RECIPIENT_IS_BUYER,
    RECIPIENT_NOT_A_CUSTOMER,
    GiftRefusal,
    refuse_gift,
)
from ..domain.plan import Cadence, Plan, PlanTerms
from ..domain.record import from_data
from ..domain.shipping import Consignment, ShipTo, ship_to
from ..domain.subscription import LockedLine, PaymentMethod, Subscription
from ..domain.subscription_custom_fields import refuse_custom_fields
from ..observability import logger
from ..ports.bigcommerce import (
    BigCommerce,
    Order,
    OrderProduct,
    OrderWithConsignments,
    ShippingAddress,
)
from ..ports.storage import ConcurrencyConflict, CustomerLink, OpsEvents, OrderLink, UnitOfWork
from .action_links import issue_action_link
from .refused_gifts import raise_gift_refused

if TYPE_CHECKING:
    from ..domain.company import CompanyMembership
    from ..domain.custom_fields import CustomFieldDefinition
    from ..ports.clock import Clock
    from .company_directory import CompanyDirectory

# Awaiting Fulfillment, Awaiting Shipment, Shipped, Partially Shipped, Completed, Awaiting Pickup.
PAID_STATUSES = frozenset({11, 9, 2, 3, 10, 8})
RENEWAL_ORDER_PREFIX = "bcsub-"
# Stored instruments the Payments API charges without the shopper present.
INSTRUMENT_TYPES = frozenset({"stored_card", "stored_paypal_account", "stored_bank_account"})


class PlanLookup(Protocol):
    def plans_for(
        self, store_hash: str, product_ids: Iterable[int], now: datetime
    ) -> dict[int, Plan]: ...


class Gift(msgspec.Struct, frozen=True):
    """Who a checkout's gift is for (a customer of the same store) and when it first ships."""

    recipient_id: int
    first_delivery_at: datetime | None


class CaptureResult(msgspec.Struct, frozen=True):
    outcome: str  # created | already_captured | own_renewal | not_paid | no_subscription_lines
    subscription_ids: tuple[str, ...] = msgspec.field(default_factory=tuple)


def capture_from_order(
    store_hash: str,
    order_id: int,
    *,
    uow: UnitOfWork,
    bc: BigCommerce,
    clock: Clock,
    app_id: str,
    new_id: Callable[[], str],
    plans: PlanLookup,
    order: Order | None = None,
    companies: CompanyDirectory | None = None,
    ops: OpsEvents | None = None,
) -> CaptureResult:
    """Create the order's subscriptions; a repeat or concurrent call creates nothing more.

    `order` is the order as just listed (reconciliation): one that is ours or unpaid is
    settled without reading it again. Otherwise one read brings the order with its lines and
    every consignment; with the plans cached a captured order costs three calls (the order,
    its transactions, the shopper's stored instruments). A gift the comments name but that
    cannot be made is told to the merchant: `subscription.gift_refused` on each subscription, and
    a `gift.refused` item in `ops` once committed.
    """
    with uow:
        if (link := uow.order_links.get(store_hash, order_id)) is not None:
            return _already(link)
    listed = order if order is not None and order.id == order_id else None
    if listed is not None and (outcome := _not_capturable(listed, app_id)) is not None:
        return outcome
    full = bc.get_order_with_consignments(store_hash, order_id)
    if (outcome := _not_capturable(full, app_id)) is not None:
        return outcome
    products = full.lines
    now = clock.now()
    groups = _group_by_cadence(products, plans.plans_for(store_hash, _ids(products), now))
    if not groups:
        return CaptureResult("no_subscription_lines")
    payment_method = _stored_payment_method(store_hash, full, bc)
    consignments = _shipping_consignments(full)
    gift, refusal = _gift(store_hash, full, bc, now)
    with uow:
        config = uow.tenant_configs.get(store_hash)
        ttl = config.action_link_ttl_hours
        company = None
        # Only a store on B2B Edition asks whose company the buyer buys for.
        if config.b2b is not None and companies is not None and full.customer_id:
            cache = timedelta(minutes=config.b2b.company_cache_minutes)
            company = companies.membership(store_hash, full.customer_id, cache)
        fields = uow.custom_fields.definitions(store_hash)
        subs = [
            _start(
                full,
                custom=_checkout_fields(products, line_ids, fields),
                card_ttl_hours=ttl,
                store_hash=store_hash,
                id=new_id(),
                now=now,
                cadence=cadence,
                terms=terms,
                lines=lines,
                trial_days=trial_days,
                ship=ship_to(line_ids, consignments),
                payment_method=payment_method,
                company=company,
                gift=gift,
                refusal=refusal,
            )
            for (cadence, terms), (lines, trial_days, line_ids) in groups.items()
        ]
        for sub in subs:
            uow.subscriptions.add(sub)
            if sub.customer_id:  # guests have no customer to file under
                token = payment_method.instrument_token if payment_method else None
                uow.customer_links.add(CustomerLink(store_hash, sub.customer_id, sub.id, token))
            if gift is not None:  # the recipient's portal lists it too
                gifted = CustomerLink(store_hash, gift.recipient_id, sub.id, None)
                uow.customer_links.add(gifted)
        ids = tuple(s.id for s in subs)
        uow.order_links.add(OrderLink(store_hash, order_id, "origin", ids))
        try:
            uow.commit()
        except ConcurrencyConflict:
            # A concurrent delivery of the same order committed first; its result stands.
            link = uow.order_links.get(store_hash, order_id)
            return _already(link) if link else CaptureResult("already_captured")
    raise_gift_refused(ops, store_hash, order_id, refusal, ids, now)
    return CaptureResult("created", ids)


def _not_capturable(order: Order, app_id: str) -> CaptureResult | None:
    if _is_our_renewal(order, app_id):
        return CaptureResult("own_renewal")
    if order.status_id not in PAID_STATUSES:
        return CaptureResult("not_paid")
    return None


def _start(
    order: OrderWithConsignments,
    *,
    store_hash: str,
    id: str,
    now: datetime,
    cadence: Cadence,
    terms: PlanTerms,
    lines: list[LockedLine],
    trial_days: int,
    ship: ShipTo,
    payment_method: PaymentMethod | None,
    card_ttl_hours: int,
    company: CompanyMembership | None = None,
    gift: Gift | None = None,
    refusal: GiftRefusal | None = None,
    custom: tuple[dict[str, Any], list[dict[str, str]]] = ({}, []),
) -> Subscription:
    first = ship.addresses[0] if ship.addresses else None
    # No card stored at checkout: the shopper gets a link to choose one once they have saved
    # it. A guest has no account to store a card in, so no link could ever help them.
    card_link = None
    if payment_method is None and order.customer_id:
        card_link = issue_action_link(2, now, card_ttl_hours, "new_card")
    actors: tuple[Actor, ...] = ()
    if gift is not None:
        buyer = EventActor(type=ActorType.SHOPPER, id=order.customer_id)
        actors = gift_actors(order.customer_id, gift.recipient_id, now, buyer)
    values, refused = custom
    sub = Subscription.start(
        now=now,
        trial_days=trial_days,
        card_link=card_link,
        first_delivery_at=gift.first_delivery_at if gift else None,
        actors=actors,
        store_hash=store_hash,
        id=id,
        customer_id=order.customer_id,
        cadence=cadence,
        # The transactional currency; `currency_code` is only what the storefront displayed.
        currency=order.default_currency_code or order.currency_code,
        lines=lines,
        billing_address=msgspec.structs.asdict(order.billing_address),
        shipping_address=first,
        extra_shipping_addresses=ship.addresses[1:],
        shipping_cost_ex_tax=ship.cost_ex_tax,
        shipping_cost_inc_tax=ship.cost_inc_tax,
        channel_id=order.channel_id,
        order_payment_method=order.payment_method,
        payment_method=payment_method,
        terms=terms,
        origin_order_id=order.id,
        company=company,
        custom_fields=values,
    )
    if refused:
        refuse_custom_fields(sub, refused, now)
    if refusal is not None:
        refuse_gift(sub, refusal, now)
    return sub


def _checkout_fields(
    products: list[OrderProduct], line_ids: set[int], definitions: list[CustomFieldDefinition]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A new subscription's custom field values from its lines' `cf:` options, and those
    refused. An invalid value never loses the subscription: it starts without it and the
    merchant hears why (`subscription.custom_fields_refused`). A required field the checkout
    left empty is not reported: the merchant's next change of the values asks for it."""
    options = [
        (o.display_name_merchant or o.display_name, o.display_value)
        for line in products
        if line.id in line_ids
        for o in line.product_options
    ]
    raw, conflicts = option_values(options)
    values, errors = checkout_custom_fields(definitions, raw)
    refused = [e.as_dict() for e in [*conflicts, *errors] if e.code != "required"]
    return values, refused


def _already(link: OrderLink) -> CaptureResult:
    if link.role == "renewal":
        return CaptureResult("own_renewal", link.subscription_ids)
    return CaptureResult("already_captured", link.subscription_ids)


def _is_our_renewal(order: Order, app_id: str) -> bool:
    return order.external_source == app_id or (order.external_order_id or "").startswith(
        RENEWAL_ORDER_PREFIX
    )


def _ids(products: list[OrderProduct]) -> list[int]:
    return sorted({line.product_id for line in products})


Groups = dict[tuple[Cadence, PlanTerms], tuple[list[LockedLine], int, set[int]]]


def _group_by_cadence(products: list[OrderProduct], plans: dict[int, Plan]) -> Groups:
    """Lines that renew together: the same cadence under the same plan terms (with the
    trial days and the order line ids of each group)."""
    groups: Groups = {}
    for line in products:
        plan = plans.get(line.product_id)
        if plan is None:
            continue
        options = [
            (o.product_option_id or o.option_id, o.display_value) for o in line.product_options
        ]
        cadence = plan.cadence_for(options)
        if cadence is None:
            continue
        locked = LockedLine(
            product_id=line.product_id,
            variant_id=line.variant_id or None,
            name=line.name,
            sku=line.sku,
            quantity=line.quantity,
            price_ex_tax=line.price_ex_tax,
            price_inc_tax=line.price_inc_tax,
            product_options=[
                {"id": o.product_option_id or o.option_id, "value": o.value}
                for o in line.product_options
            ],
        )
        lines, _, ids = groups.setdefault((cadence, plan.terms()), ([], plan.trial_days, set()))
        lines.append(locked)
        ids.add(line.id)
    return groups


def _shipping_consignments(order: OrderWithConsignments) -> list[Consignment]:
    """Each address the order ships to, with its method, its cost and the lines it carries
    (none for a digital order)."""
    return [
        Consignment(
            address={name: getattr(c, name) for name in ShippingAddress.__struct_fields__},
            cost_ex_tax=c.cost_ex_tax,
            cost_inc_tax=c.cost_inc_tax,
            line_totals={line.id: line.price_inc_tax * line.quantity for line in c.line_items},
        )
        for c in order.consignments.shipping
    ]


def _stored_payment_method(store_hash: str, order: Order, bc: BigCommerce) -> PaymentMethod | None:
    """The card the shopper paid with, if it is a stored instrument they own (guests have none)."""
    if order.customer_id == 0:
        return None
    paid = [
        t
        for t in bc.list_order_transactions(store_hash, order.id)
        if t.status == "ok" and t.payment_instrument_token and t.payment_method_id
    ]
    if not paid:
        return None
    stored = {i.token: i for i in bc.list_stored_instruments(store_hash, order.customer_id)}
    tx = next((t for t in paid if t.payment_instrument_token in stored), None)
    if tx is None or tx.payment_instrument_token is None or tx.payment_method_id is None:
        return None
    instrument = stored[tx.payment_instrument_token]
    if instrument.type not in INSTRUMENT_TYPES:
        return None  # nothing the Payments API can charge without the shopper
    return from_data(
        PaymentMethod,
        {
            "instrument_token": tx.payment_instrument_token,
            "payment_method_id": tx.payment_method_id,
            "instrument_type": instrument.type,
        },
    )


def _gift(
    store_hash: str, order: Order, bc: BigCommerce, now: datetime
) -> tuple[Gift | None, GiftRefusal | None]:
    """The gift the order's comments name, if they name a customer of this store other than
    the buyer (one BigCommerce call, only for a gift), or why the gift they name cannot be
    made (also logged): the order then starts its subscriptions for the buyer alone."""
    try:
        note = parse_gift_note(order.customer_message, purchased_at=now)
    except InvalidGiftNote as refused:
        logger.warning("gift refused", order_id=order.id, reason=str(refused))
        return None, GiftRefusal(refused.code)
    if note is None:
        return None, None
    if order.customer_id == 0:
        logger.warning("gift refused", order_id=order.id, reason="a guest cannot give a gift")
        return None, GiftRefusal(GUEST_BUYER)
    found = bc.find_customers(store_hash, emails=[note.recipient_email])
    recipient = next((c.id for c in found if c.email.lower() == note.recipient_email.lower()), 0)
    if not recipient or recipient == order.customer_id:
        reason = "the recipient is not another customer of the store"
        logger.warning("gift refused", order_id=order.id, reason=reason)
        return None, GiftRefusal(RECIPIENT_IS_BUYER if recipient else RECIPIENT_NOT_A_CUSTOMER)
    return Gift(recipient, note.first_delivery_at), None
