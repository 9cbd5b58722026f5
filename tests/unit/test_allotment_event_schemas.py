"""Every allotment event a grant raises validates against its published JSON Schema."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from importlib import resources

from jsonschema import Draft202012Validator

from bc_subscriptions.domain import events as ev
from bc_subscriptions.domain.allotments import DebitSource, Rollover

from .test_allotments import T0, a_grant


def _validator(event_type: str) -> Draft202012Validator:
    text = resources.files("bc_subscriptions.schemas").joinpath(f"{event_type}.json").read_text()
    return Draft202012Validator(json.loads(text))


def test_each_allotment_event_of_a_grants_life_matches_its_schema() -> None:
    # Given a grant's whole life: granted, debited by an order, reversed, refreshed with
    # rollover, suspended, resumed and revoked
    grant = a_grant(rollover=Rollover.CAP_TO_ONE_PERIOD, overdraft_limit=Decimal("10.00"))
    source = DebitSource(kind="order", id="100")
    debit = grant.debit(debit_id="ald_order_100", amount=Decimal("55"), source=source, now=T0)
    assert debit is not None
    grant.reverse(debit, now=T0, reason="refund")
    grant.refresh(T0 + timedelta(days=31))
    grant.suspend(now=T0, reason="review")
    grant.resume(now=T0)
    grant.revoke(now=T0, reason="closed")
    events = grant.pull_events()
    # When / Then every envelope validates, and every allotment type was raised
    for event in events:
        errors = list(_validator(event.type).iter_errors(event.envelope()))
        assert errors == [], (event.type, [e.message for e in errors])
    assert {e.type for e in events} == set(ev.ALLOTMENT_EVENT_TYPES)
