"""The stored document of a subscription: items written before a change stay readable, and a
subscription is written back with the same attributes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bc_subscriptions.adapters.dynamodb.subscription_doc import (
    subscription_doc,
    subscription_from_doc,
)
from bc_subscriptions.domain.company import InvoiceTerms
from bc_subscriptions.domain.lifecycle import Status
from bc_subscriptions.domain.locations import DeliveryLocation
from bc_subscriptions.domain.subscription import stored_json
from bc_subscriptions.domain.subscription_cancels import cancel_as_scheduled, schedule_cancel
from bc_subscriptions.domain.subscription_invoices import flag_overdue, record_invoiced_renewal
from bc_subscriptions.domain.subscription_pauses import pause, resume, resume_as_scheduled

from .factories import NOW, subscription

# A paused subscription with a scheduled end of the pause and a cancel at period end with a
# fee, as the table holds it.
STORED = (
    '{"store_hash":"store1","id":"sub_pin","customer_id":7,"status":"paused",'
    '"cadence":{"label":"Monthly","interval":"month","interval_count":1,'
    '"discount_percent":"0","retired":false,"option_value_id":null},"currency":"USD",'
    '"lines":[{"product_id":111,"variant_id":null,"name":"","sku":"","quantity":1,'
    '"price_ex_tax":"20.00","price_inc_tax":"20.00","product_options":[]}],'
    '"billing_address":{"first_name":"Ada","zip":"12345"},"shipping_address":null,'
    '"extra_shipping_addresses":[],"shipping_cost_ex_tax":"0","shipping_cost_inc_tax":"0",'
    '"channel_id":1,"order_payment_method":"","payment_method":{"instrument_token":"tok",'
    '"payment_method_id":"stripe.card","instrument_type":"stored_card",'
    '"verified_at":"2026-01-31T12:00:00Z"},"terms":{"billing_period_count":1,'
    '"commitment_count":0,"max_cycles":null,"tiers":[],"price_source":"locked",'
    '"free_shipping":false},"origin_order_id":100,"anchor_at":"2026-01-31T12:00:00Z",'
    '"anchor_cycle":1,"next_cycle":2,"created_at":"2026-01-31T12:00:00Z",'
    '"updated_at":"2026-02-01T12:00:00Z","event_seq":3,"paid_cycles":1,"dunning":null,'
    '"action_link":null,"resume_at":"2026-02-20T12:00:00Z",'
    '"cancel_at":"2026-02-28T12:00:00Z","scheduled_cancel_fee":"9.50","contract":null}'
)


def test_a_stored_subscription_with_both_scheduled_changes_is_written_back_unchanged() -> None:
    # Given a document as stored
    # When it is read and written again
    written = subscription_doc(subscription_from_doc(STORED))
    # Then it is the same document, attribute for attribute and in the same order
    assert written == STORED


def test_a_stored_subscription_resumes_and_cancels_when_its_stored_dates_come() -> None:
    # Given the stored paused subscription (resume on 20 Feb, cancel on 28 Feb with a fee)
    sub = subscription_from_doc(STORED)
    resume_at = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
    cancel_at = datetime(2026, 2, 28, 12, 0, tzinfo=UTC)
    # Then it is due at the end of the pause
    assert sub.due_at() == resume_at
    # When the pause ends, then the cancel is still due at its date
    resume_as_scheduled(sub, resume_at)
    assert sub.due_at() == cancel_at
    # When the cancel comes, it is cancelled owing the stored fee
    cancel_as_scheduled(sub, cancel_at)
    [resumed, cancelled] = sub.pull_events()
    assert resumed.data["resume_at"] == "2026-02-20T12:00:00Z"
    assert cancelled.data["early_cancel_fee"] == {
        "amount": "9.50",
        "currency": "USD",
        "status": "owed",
    }
    assert sub.status is Status.CANCELLED


def test_a_subscription_without_scheduled_changes_stores_them_as_nulls() -> None:
    # Given an active subscription with nothing scheduled
    sub = subscription(id="sub_plain")
    # When it is written
    doc = json.loads(subscription_doc(sub))
    # Then the three attributes are there, null
    assert (doc["resume_at"], doc["cancel_at"], doc["scheduled_cancel_fee"]) == (None, None, None)
    assert list(doc) == list(json.loads(STORED))


def test_a_scheduled_cancel_without_a_fee_stores_a_null_fee() -> None:
    # Given an active subscription
    sub = subscription(id="sub_nofee")
    # When a cancel at period end is scheduled without a fee, then a pause until a date
    schedule_cancel(sub, NOW)
    pause(sub, NOW, NOW + timedelta(days=3))
    doc = json.loads(subscription_doc(sub))
    # Then both dates are stored and the fee is null
    assert (doc["resume_at"], doc["cancel_at"], doc["scheduled_cancel_fee"]) == (
        "2026-02-03T12:00:00Z",
        "2026-02-28T12:00:00Z",
        None,
    )
    assert subscription_from_doc(json.dumps(doc)).due_at() == NOW + timedelta(days=3)


def test_a_stored_fee_keeps_its_decimal_places() -> None:
    # Given a stored document whose fee has one decimal place
    sub = subscription_from_doc(STORED.replace('"9.50"', '"9.5"'))
    # When it is written back
    doc = json.loads(subscription_doc(sub))
    # Then the fee is as stored
    assert doc["scheduled_cancel_fee"] == "9.5"
    assert Decimal(doc["scheduled_cancel_fee"]) == Decimal("9.50")


def test_the_document_is_encoded_as_the_model_encodes_it_non_ascii_text_included() -> None:
    # Given a subscription with non-ASCII text, quotes and a line break in its fields
    sub = subscription(
        id="sub_text",
        billing_address={"first_name": 'Zoë "Ø" Łukasz', "street_1": "Straße 1\nHof"},
    )
    # When it is written
    written = subscription_doc(sub)
    # Then it is byte for byte the record's stored JSON, with the flat scheduled attributes
    flat = '"resume_at":null,"cancel_at":null,"scheduled_cancel_fee":null'
    assert written == stored_json(sub).replace('"scheduled":[]', flat)
    assert subscription_from_doc(written).billing_address == sub.billing_address


def test_a_subscription_with_delivery_locations_keeps_them_through_its_document() -> None:
    # Given a stored subscription that gained a delivery location
    sub = subscription_from_doc(STORED)
    address = {"first_name": "Dana", "last_name": "Lee", "street_1": "1 Main St"}
    address |= {"city": "Austin", "zip": "78701", "country_iso2": "US"}
    sub.delivery_locations = [
        DeliveryLocation(
            id="loc_0123456789",
            address=address | {"shipping_method": "Flat Rate"},
            quantities=(2,),
            added_at=NOW,
        )
    ]
    # When it is written and read back
    again = subscription_from_doc(subscription_doc(sub))
    # Then
    assert again.delivery_locations == sub.delivery_locations
    assert subscription_doc(again) == subscription_doc(sub) != STORED


def test_a_pause_made_by_the_overdue_policy_is_kept_through_the_document_and_only_then() -> None:
    # Given a purchase-order subscription the store's policy paused on an overdue invoice
    sub = subscription(
        id="sub_po",
        payment_method=None,
        invoice_terms=InvoiceTerms(po_number="PO-7781", net_terms_days=30),
    )
    invoice = record_invoiced_renewal(sub, cycle=2, order_id=900, now=NOW)
    flag_overdue(sub, invoice, "pause", invoice.due_at)
    # When it is written and read back
    doc = json.loads(subscription_doc(sub))
    again = subscription_from_doc(subscription_doc(sub))
    # Then the pause is still the policy's
    assert doc["invoice_paused"] is True
    assert (again.status, again.invoice_paused) == (Status.PAUSED, True)
    # and once it is resumed the attribute is left out, as on every record before it existed
    resume(again, invoice.due_at)
    assert "invoice_paused" not in json.loads(subscription_doc(again))
    assert "invoice_paused" not in json.loads(STORED)
    assert subscription_from_doc(STORED).invoice_paused is False
