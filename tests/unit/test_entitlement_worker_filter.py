"""The EntitlementWorkerFunction's stream filter in the template lets in every subscription
event the entitlements follow, the actor events that move them to a new beneficiary among them
(a type it drops never reaches the worker, whatever the code would do with it)."""

from __future__ import annotations

import pytest

from bc_subscriptions.domain import events as ev
from bc_subscriptions.services.entitlement_moves import BENEFICIARY_EVENTS
from bc_subscriptions.services.entitlement_sync import FOLLOWED
from devstack import template as t
from devstack.stream_filter import matches


def _inserted(event_type: str) -> dict[str, object]:
    image = {"kind": {"S": "event"}, "type": {"S": event_type}}
    return {"eventName": "INSERT", "dynamodb": {"NewImage": image}}


def _lets_in(event_type: str) -> bool:
    patterns = t.stream_filter_patterns(t.load_template(), "EntitlementWorkerFunction")
    return any(matches(p, _inserted(event_type)) for p in patterns)


@pytest.mark.parametrize("event_type", sorted(FOLLOWED | BENEFICIARY_EVENTS))
def test_the_worker_filter_lets_in_every_event_the_entitlements_follow(event_type: str) -> None:
    # Given / When / Then
    assert _lets_in(event_type)


def test_the_worker_filter_keeps_out_events_that_cannot_move_an_entitlement() -> None:
    # Given a payer change (the beneficiary is the named one, else the owner) and an
    # entitlement's own event / When / Then
    assert not _lets_in(ev.SUBSCRIPTION_PAYER_CHANGED)
    assert not _lets_in(ev.ENTITLEMENT_GRANTED)
