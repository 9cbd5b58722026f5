"""The onboarding checklist's rules, from facts alone."""

from __future__ import annotations

import pytest

from bc_subscriptions.domain import onboarding as ob
from bc_subscriptions.domain.onboarding import CheckState, HookFact

WANTED = {"store/order/created": "https://app/created", "store/shipment/created": "https://app/s"}


def test_hooks_are_done_only_when_every_scope_has_an_active_hook_to_our_destination() -> None:
    # Given one hook to our URL, one to somebody else's
    hooks = [
        HookFact("store/order/created", "https://app/created", True),
        HookFact("store/shipment/created", "https://elsewhere/s", True),
    ]
    # When / Then the one pointing elsewhere counts as missing
    check = ob.hooks_check(WANTED, hooks)
    assert (check.state, check.code) == (CheckState.TODO, "hooks_missing")
    assert check.facts["missing"] == ["store/shipment/created"]
    # And with both ours but one deactivated by BigCommerce, it is inactive
    hooks[1] = HookFact("store/shipment/created", "https://app/s", False)
    assert ob.hooks_check(WANTED, hooks).code == "hooks_inactive"
    hooks[1] = HookFact("store/shipment/created", "https://app/s", True)
    assert ob.hooks_check(WANTED, hooks).state == CheckState.DONE


def test_hooks_that_could_not_be_read_are_unknown_not_missing() -> None:
    assert ob.hooks_check(WANTED, None).state == CheckState.UNKNOWN


@pytest.mark.parametrize(
    ("timing", "event", "state", "code"),
    [
        ("on_ship", "purchase", CheckState.TODO, "gateway_captures_at_once"),
        ("on_fulfillment", "purchase", CheckState.TODO, "gateway_captures_at_once"),
        ("on_ship", "authorization", CheckState.DONE, "capture_matches"),
        ("immediate", "purchase", CheckState.DONE, "capture_matches"),
        ("immediate", "authorization", CheckState.WARNING, "gateway_authorizes_only"),
        ("on_ship", None, CheckState.UNKNOWN, "no_order_yet"),
    ],
)
def test_capture_timing_is_judged_against_what_the_gateway_did(
    timing: str, event: str | None, state: CheckState, code: str
) -> None:
    check = ob.capture_check(timing, event, read=True)
    assert (check.state, check.code) == (state, code)


def test_capture_and_test_mode_are_unknown_when_the_order_could_not_be_read() -> None:
    assert ob.capture_check("on_ship", None, read=False).code == "unreadable"
    assert ob.sandbox_check(None, read=False).code == "unreadable"


def test_a_gateway_in_test_mode_is_a_warning_and_a_live_one_is_done() -> None:
    assert ob.sandbox_check(True, read=True).state == CheckState.WARNING
    assert ob.sandbox_check(False, read=True).state == CheckState.DONE
    assert ob.sandbox_check(None, read=True).code == "no_order_yet"


def test_plan_and_endpoint_items_ask_for_what_is_missing() -> None:
    assert ob.plan_check([]).state == CheckState.TODO
    assert ob.plan_check([111]).state == CheckState.DONE
    assert ob.endpoint_check(0, 0).code == "no_endpoint"
    assert ob.endpoint_check(0, 2).code == "endpoints_disabled"
    assert ob.endpoint_check(1, 2).state == CheckState.DONE
