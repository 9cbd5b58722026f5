"""Every event type has a JSON Schema, and every payload merchants receive validates against it."""

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from importlib import resources
from typing import cast

import pytest
from jsonschema import Draft202012Validator

from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain import (
    subscription_cancels,
    subscription_dunning,
    subscription_pauses,
    subscription_payment_method,
)
from bc_subscriptions.domain.actors import Role
from bc_subscriptions.domain.allotments import (
    AllotmentUnit,
    DebitSource,
    GrantedBy,
    RefreshCadence,
)
from bc_subscriptions.domain.amendments import QuantityAmendment
from bc_subscriptions.domain.change_requests import (
    ChangeKind,
    ChangeRequest,
    ChangeRequestSettings,
    Outcome,
    Requester,
)
from bc_subscriptions.domain.custom_fields import CustomFieldDefinition
from bc_subscriptions.domain.entitlements import PlanEntitlement
from bc_subscriptions.domain.events import EVENT_TYPES
from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.record import from_data
from bc_subscriptions.domain.schedule import Interval
from bc_subscriptions.domain.subscription import PaymentMethod, Subscription
from bc_subscriptions.domain.subscription_actors import add_actor, change_payer, remove_actor
from bc_subscriptions.domain.subscription_contract import route_cancel
from bc_subscriptions.ports.storage import UnitOfWork
from bc_subscriptions.services import allotments as svc
from bc_subscriptions.services.delivery_locations import add_location, remove_location
from bc_subscriptions.services.enrollment import Enrollment, EnrollmentDeps, enroll
from bc_subscriptions.services.payment_method_change import change_payment_method
from bc_subscriptions.services.tenant_settings import update_tenant_config
from devstack.bc_emulator import customer_groups
from devstack.stack import LocalStack

from ..emulator_store import PRODUCT_ID
from .world import World

PO_NUMBER = from_data(
    CustomFieldDefinition,
    {
        "key": "po_number",
        "scope": "subscription",
        "type": "text",
        "label": "PO",
        "pattern": "PO-[0-9]{5}",
    },
)


def _schema(event_type: str) -> dict:
    text = resources.files("bc_subscriptions.schemas").joinpath(f"{event_type}.json").read_text()
    return dict(json.loads(text))


def _change_requests(sub: Subscription, now: datetime) -> None:
    """Requests that are applied, not applied, rejected and expired, as their events say."""
    shopper = Requester(actor="shopper", customer_id=sub.customer_id)
    merchant = Requester(actor="merchant")
    for n, end in enumerate(["applied", "not_applied", "rejected", "expired"]):
        request, submitted = ChangeRequest.submit(
            request_id=f"creq_{n}",
            store_hash=sub.store_hash,
            subscription_id=sub.id,
            kind=ChangeKind.CANCEL,
            change={"when": "immediately"},
            requested_by=shopper,
            now=now,
            settings=ChangeRequestSettings(),
        )
        events = [submitted]
        if end == "rejected":
            events.append(request.reject(merchant, "not now", now))
        elif end == "expired":
            events.append(request.expire(request.expires_at))
        else:
            events.append(request.approve(merchant, None, now))
            outcome = Outcome(code="cancel_locked", message="2 committed cycle(s) still to be paid")
            done = request.applied(now) if end == "applied" else request.not_applied(outcome, now)
            events.append(done)
        for event in events:
            sub.record_event(event.type, now, event.data)


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_event_type_has_a_valid_schema(event_type: str) -> None:
    # Given / When
    schema = _schema(event_type)
    # Then
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["type"]["const"] == event_type


def _allotments(world: World) -> None:
    c = container()
    deps = c.allotment_deps()
    holder = world.shopper()
    grant_ids = [
        svc.grant_allotment(
            world.store_hash,
            svc.NewGrant(
                customer_id=holder.id,
                unit=AllotmentUnit.COUNT,
                amount_per_period=Decimal(3),
                granted_by=GrantedBy(kind="merchant", id="1"),
                cadence=RefreshCadence(interval=Interval.MONTH),
            ),
            deps=deps,
            bc=c.bigcommerce,
        ).id
        for _ in range(2)
    ]
    spent = svc.debit_allotment(
        world.store_hash,
        grant_ids[0],
        amount=Decimal(1),
        source=DebitSource(kind="manual"),
        deps=deps,
    )
    assert spent.debit is not None
    svc.reverse_debit(world.store_hash, grant_ids[0], spent.debit.id, deps=deps)
    for action in ("suspend", "resume", "revoke"):
        svc.change_status(world.store_hash, grant_ids[1], action, deps=deps)


def _change(
    world: World, customer_id: int, change: Callable[[Subscription, datetime], None]
) -> None:
    """Apply a shopper's or merchant's change to one subscription, as the APIs will."""
    [item] = [s for s in world.of_kind("subscription") if s["customer_id"] == customer_id]
    with container().unit_of_work() as uow:
        sub = uow.subscriptions.get(world.store_hash, str(item["subscription_id"]))
        assert sub is not None
        change(sub, world.stack.now())
        uow.subscriptions.save(sub)
        uow.commit()


def test_every_delivered_payload_matches_its_schema(world: World, stack: LocalStack) -> None:
    # Given subscriptions that renew, decline softly, decline hard, need authentication, have
    # no stored card (one saving one later), skip, pause and resume, pause until a date
    # (resumed when it comes), cancel,
    # cancel at period end (cancelled when it comes) or withdraw that, route a cancel to legal,
    # and expire; a membership's entitlement through all its states; and
    # a store that authorizes
    world.subscribe()
    for behavior in ("decline", "expired", "requires_action"):
        declining, _ = world.subscribe()
        world.emulator.set_card_behavior(world.store_hash, declining.instrument_token, behavior)
    world.subscribe(card=None)
    # and one with no stored card who saves one and chooses it
    carded_later, _ = world.subscribe(card=None)
    c = container()
    change_payment_method(
        world.store_hash,
        carded_later.id,
        world.emulator.replace_card(world.store_hash, carded_later.id),
        bc=c.bigcommerce,
        uow_factory=c.unit_of_work,
        queue=c.renewal_queue,
        now=world.stack.now(),
    )
    # and a second endpoint whose consumer answers 410 Gone (so it is disabled)
    world.stack.register_endpoint(world.store_hash, world.stack.urls["merchant"] + "/gone")
    skipper, _ = world.subscribe()
    _change(world, skipper.id, Subscription.skip_next_cycle)
    pauser, _ = world.subscribe()
    _change(world, pauser.id, subscription_pauses.pause)
    _change(world, pauser.id, subscription_pauses.resume)
    _change(world, pauser.id, subscription_cancels.cancel)
    changer, _ = world.subscribe()
    _change(
        world,
        changer.id,
        lambda sub, now: subscription_payment_method.change_payment_method(
            sub, PaymentMethod(instrument_token="tok", payment_method_id="card"), now
        ),
    )
    _change(
        world,
        changer.id,
        lambda sub, now: sub.amend(QuantityAmendment(sub.lines[0].product_id, 3), now),
    )
    pause_until, _ = world.subscribe()
    _change(
        world,
        pause_until.id,
        lambda sub, now: subscription_pauses.pause(sub, now, now + timedelta(days=10)),
    )
    period_end, _ = world.subscribe()
    _change(
        world,
        period_end.id,
        lambda sub, now: subscription_cancels.schedule_cancel(sub, now, Decimal("9.50")),
    )
    withdrawn, _ = world.subscribe()
    _change(world, withdrawn.id, subscription_cancels.schedule_cancel)
    _change(world, withdrawn.id, subscription_cancels.withdraw_scheduled_cancel)
    early, _ = world.subscribe()
    _change(
        world, early.id, lambda sub, now: subscription_cancels.cancel(sub, now, Decimal("9.50"))
    )
    routed, _ = world.subscribe()
    _change(world, routed.id, route_cancel)
    ending, _ = world.subscribe()
    _change(world, ending.id, Subscription.expire)
    # and one shipping to two delivery locations (a third added, then removed)
    locating, _ = world.subscribe()
    [item] = [s for s in world.of_kind("subscription") if s["customer_id"] == locating.id]
    located = str(item["subscription_id"])
    for city in ("Austin", "Boston", "Chicago"):
        address = {"first_name": "Dana", "last_name": city, "street_1": f"1 {city} Way"}
        address |= {"city": city, "zip": "10001", "country_iso2": "US"}
        add_location(
            world.store_hash,
            located,
            {"label": city, "address": address | {"shipping_method": "Flat Rate"}},
            uow=container().unit_of_work(),
            now=world.stack.now(),
        )
    with container().unit_of_work() as uow:
        sub = uow.subscriptions.get(world.store_hash, located)
        assert sub is not None
        third = sub.delivery_locations[-1].id
    remove_location(
        world.store_hash, located, third, uow=container().unit_of_work(), now=world.stack.now()
    )
    # and one whose actors change: a manager added and removed, the payer replaced
    shared, _ = world.subscribe()
    _change(world, shared.id, lambda sub, now: add_actor(sub, shared.id + 1000, Role.MANAGER, now))
    _change(
        world, shared.id, lambda sub, now: remove_actor(sub, shared.id + 1000, Role.MANAGER, now)
    )
    _change(world, shared.id, lambda sub, now: change_payer(sub, shared.id + 1001, now))
    # and a subscription with a change request ending each way one can
    requested, _ = world.subscribe()
    _change(world, requested.id, _change_requests)
    # and a checkout whose line carries a custom field value its definition refuses
    with container().unit_of_work() as uow:
        uow.custom_fields.add(world.store_hash, PO_NUMBER)
        uow.commit()
    option = {"option_id": 501, "value": "12345", "display_name": "cf:po_number"}
    world.checkout(
        world.shopper("ok"),
        [{"product_id": PRODUCT_ID, "quantity": 1, "product_options": [option]}],
    )
    # and a checkout whose gift names no customer of the store (refused)
    world.checkout(world.shopper("ok"), customer_message="gift-recipient: nobody@example.com")
    world.stack.pump()
    authorizing = World.create(stack, gateway_mode="authorization")
    authorizing.subscribe()
    # and a membership (a customer group) granted, suspended when dunning gives up, resumed,
    # then revoked on cancel
    membership = World.create(stack)
    members = customer_groups.add_group(stack.emulator, membership.store_hash, "Members")
    stack.put_plan(
        membership.store_hash,
        Plan(
            product_id=PRODUCT_ID,
            cadences=[Cadence(label="Monthly", interval=Interval.MONTH)],
            entitlements=(PlanEntitlement(key="members", customer_group_id=members),),
        ),
    )
    member, _ = membership.subscribe()
    _change(membership, member.id, lambda sub, now: subscription_dunning.give_up(sub, "pause", now))
    membership.stack.pump()
    _change(membership, member.id, subscription_pauses.resume)
    membership.stack.pump()
    _change(membership, member.id, subscription_cancels.cancel)
    # and stores that capture on shipment: one whose gateway only authorizes (one renewal is
    # shipped, one cancelled), one whose gateway captures at once (a configuration warning)
    shipping = World.create(stack, gateway_mode="authorization")
    update_tenant_config(
        container().unit_of_work(), shipping.store_hash, '{"capture_timing": "on_ship"}'
    )
    shipping.subscribe()
    shipping.subscribe()
    misconfigured = World.create(stack)
    update_tenant_config(
        container().unit_of_work(), misconfigured.store_hash, '{"capture_timing": "on_ship"}'
    )
    misconfigured.subscribe()
    # and a store on B2B Edition whose buyer is enrolled on purchase order, invoiced at once
    invoiced = _purchase_order_enrollment(stack)
    # and allotments: one granted, debited and given back (it refreshes when the month
    # passes), another suspended, resumed and revoked
    _allotments(world)
    # When the month passes, one renewal ships while the other is cancelled, and one of the
    # first store's renewal orders is refunded
    world.renew()
    shipped, cancelled = shipping.renewal_orders()
    shipping.emulator.create_shipment(shipping.store_hash, shipped["id"])
    shipping.emulator.set_order_status(shipping.store_hash, cancelled["id"], 5)
    world.emulator.refund_order(world.store_hash, world.renewal_orders()[0]["id"])
    # and the purchase order's first invoice, overdue by then, is marked paid
    first_invoice = invoiced.renewal_orders()[0]["id"]
    invoiced.emulator.set_order_status(invoiced.store_hash, first_invoice, 11)
    world.stack.pump()
    # Then every payload the merchant received validates against its type's schema
    received = world.stack.receiver.received
    assert {r.event_type for r in received} == EVENT_TYPES
    for r in received:
        errors = list(Draft202012Validator(_schema(r.event_type)).iter_errors(r.body))
        assert errors == [], (r.event_type, [e.message for e in errors])


def _purchase_order_enrollment(stack: LocalStack) -> World:
    """A B2B Edition store with a buyer enrolled on purchase order, net 30, whose first cycle
    is invoiced right away."""
    b2b = World.create(stack)
    b2b.emulator.enable_b2b(b2b.store_hash)
    update_tenant_config(container().unit_of_work(), b2b.store_hash, '{"b2b": {}}')
    company = b2b.emulator.add_company(b2b.store_hash, "Acme", payment_terms=30)
    buyer = b2b.shopper(card=None)
    b2b.emulator.add_buyer(b2b.store_hash, company, buyer.id)
    c = container()
    deps = EnrollmentDeps(
        uow=lambda: cast(UnitOfWork, c.unit_of_work()),
        bc=c.bigcommerce,
        companies=c.company_directory,
        plans=c.plan_catalog,
        clock=c.clock,
        new_id=lambda: c.new_id("sub"),
    )
    address = {
        "first_name": "Grace",
        "street_1": "1 Harbor Rd",
        "zip": "22201",
        "country_iso2": "US",
    }
    request = Enrollment(
        customer_id=buyer.id,
        product_id=PRODUCT_ID,
        quantity=2,
        cadence="Monthly",
        payment="purchase_order",
        billing_address=address,
        po_number="PO-9",
    )
    enroll(b2b.store_hash, request, deps)
    stack.fire("RenewalSweepFunction")
    stack.pump()
    return b2b
