"""The onboarding checklist a merchant sees right after install: each item's state from facts
the service gathered (hooks, plans, capture, endpoints, test mode). Pure: no I/O here."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import msgspec


class CheckState(StrEnum):
    DONE = "done"
    TODO = "todo"  # the merchant has something to do
    WARNING = "warning"  # works, but not as the merchant may expect
    UNKNOWN = "unknown"  # could not be read now, or nothing to judge by yet


class Check(msgspec.Struct, frozen=True):
    """One item: `code` says why it is in its state; `facts` are what the page shows."""

    key: str
    state: CheckState
    code: str
    facts: dict[str, Any] = msgspec.field(default_factory=dict)


class HookFact(msgspec.Struct, frozen=True):
    scope: str
    destination: str
    is_active: bool


# Capture timings that need the gateway to authorize first and capture later.
DEFERRED_CAPTURE = frozenset({"on_fulfillment", "on_ship"})


def hooks_check(wanted: dict[str, str], hooks: Iterable[HookFact] | None) -> Check:
    """Every scope we process has an active hook to our destination (`wanted`: scope → URL)."""
    if hooks is None:
        return Check("hooks", CheckState.UNKNOWN, "unreadable")
    found = {(h.scope, h.destination): h for h in hooks}
    missing = sorted(s for s, d in wanted.items() if (s, d) not in found)
    inactive = sorted(
        s for s, d in wanted.items() if (s, d) in found and not found[(s, d)].is_active
    )
    facts = {"missing": missing, "inactive": inactive, "registered": len(wanted) - len(missing)}
    if missing:
        return Check("hooks", CheckState.TODO, "hooks_missing", facts)
    if inactive:
        return Check("hooks", CheckState.TODO, "hooks_inactive", facts)
    return Check("hooks", CheckState.DONE, "hooks_active", facts)


def plan_check(subscribable: list[int]) -> Check:
    """At least one product has a plan (as far as the plan cache knows)."""
    facts = {"product_ids": subscribable}
    if subscribable:
        return Check("plan", CheckState.DONE, "plan_set", facts)
    return Check("plan", CheckState.TODO, "no_plan", facts)


def capture_check(capture_timing: str, gateway_event: str | None, *, read: bool) -> Check:
    """The store's capture timing against what its gateway did on a checkout order:
    capturing later needs a gateway that authorizes; one that only purchases cannot."""
    facts = {"capture_timing": capture_timing, "gateway_event": gateway_event}
    if not read:
        return Check("capture", CheckState.UNKNOWN, "unreadable", facts)
    if gateway_event is None:
        return Check("capture", CheckState.UNKNOWN, "no_order_yet", facts)
    if capture_timing in DEFERRED_CAPTURE and gateway_event != "authorization":
        return Check("capture", CheckState.TODO, "gateway_captures_at_once", facts)
    if capture_timing == "immediate" and gateway_event == "authorization":
        return Check("capture", CheckState.WARNING, "gateway_authorizes_only", facts)
    return Check("capture", CheckState.DONE, "capture_matches", facts)


def endpoint_check(enabled: int, disabled: int) -> Check:
    """The merchant receives our webhooks somewhere."""
    facts = {"enabled": enabled, "disabled": disabled}
    if enabled:
        return Check("endpoint", CheckState.DONE, "endpoint_enabled", facts)
    if disabled:
        return Check("endpoint", CheckState.TODO, "endpoints_disabled", facts)
    return Check("endpoint", CheckState.TODO, "no_endpoint", facts)


def sandbox_check(test: bool | None, *, read: bool) -> Check:
    """Whether the store's gateway took real money on a checkout order."""
    facts = {"test": test}
    if not read:
        return Check("test_mode", CheckState.UNKNOWN, "unreadable", facts)
    if test is None:
        return Check("test_mode", CheckState.UNKNOWN, "no_order_yet", facts)
    if test:
        return Check("test_mode", CheckState.WARNING, "gateway_in_test_mode", facts)
    return Check("test_mode", CheckState.DONE, "gateway_live", facts)
