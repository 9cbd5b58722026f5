"""Change requests: one pending change, decided once, expiring after the store's time; the
commands they hold round-trip; the tenant setting validates; the approval policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bc_subscriptions.domain.change_requests import (
    ChangeKind,
    ChangeRequest,
    ChangeRequestSettings,
    Outcome,
    RequestClosed,
    Requester,
    RequestExpired,
    RequestStatus,
)
from bc_subscriptions.domain.record import from_json, to_json
from bc_subscriptions.domain.tenant_config import InvalidTenantConfig, effective_config
from bc_subscriptions.services.change_approval_policy import TenantApprovalPolicy
from bc_subscriptions.services.change_request_commands import requestable, to_change, to_command
from bc_subscriptions.services.commands import (
    Caller,
    Cancel,
    ChangeCadence,
    ChangeQuantity,
    ChangeShippingAddress,
    Pause,
    Resume,
    Skip,
)

from .factories import NOW, subscription

SHOPPER = Requester(actor="shopper", customer_id=7)
MERCHANT = Requester(actor="merchant")


def _request(hours: int = 72) -> ChangeRequest:
    request, _ = ChangeRequest.submit(
        request_id="creq_1",
        store_hash="store1",
        subscription_id="sub_1",
        kind=ChangeKind.CANCEL,
        change={"when": "immediately"},
        requested_by=SHOPPER,
        now=NOW,
        settings=ChangeRequestSettings(expire_after_hours=hours),
    )
    return request


def test_a_submitted_request_is_pending_until_the_stores_expiry_time() -> None:
    # Given / When
    request, event = ChangeRequest.submit(
        request_id="creq_1",
        store_hash="store1",
        subscription_id="sub_1",
        kind=ChangeKind.SKIP,
        change={},
        requested_by=SHOPPER,
        now=NOW,
        settings=ChangeRequestSettings(expire_after_hours=5),
    )
    # Then
    assert request.status == RequestStatus.PENDING
    assert request.expires_at == NOW + timedelta(hours=5)
    assert (event.type, event.data["status"]) == ("change_request.submitted", "pending")
    assert not request.is_expired(NOW + timedelta(hours=5, seconds=-1))
    assert request.is_expired(NOW + timedelta(hours=5))


def test_an_approved_request_is_applied_or_not_applied_and_then_closed() -> None:
    # Given an approved request
    request = _request()
    approved = request.approve(MERCHANT, "fine", NOW)
    assert (approved.type, request.status, request.reason) == (
        "change_request.approved",
        RequestStatus.APPROVED,
        "fine",
    )
    # When it is recorded as not applied
    event = request.not_applied(Outcome(code="cancel_locked", message="2 cycles to go"), NOW)
    # Then it says why, and nothing moves it on
    assert event.data["outcome"] == {"code": "cancel_locked", "message": "2 cycles to go"}
    for late in (
        lambda: request.applied(NOW),
        lambda: request.approve(MERCHANT, None, NOW),
        lambda: request.reject(MERCHANT, None, NOW),
    ):
        with pytest.raises(RequestClosed):
            late()


def test_a_pending_request_cannot_be_applied_without_an_approval() -> None:
    request = _request()
    with pytest.raises(RequestClosed):
        request.applied(NOW)
    assert request.status == RequestStatus.PENDING


def test_a_rejected_request_cannot_be_approved_or_expire() -> None:
    request = _request(hours=1)
    request.reject(MERCHANT, "no", NOW)
    with pytest.raises(RequestClosed):
        request.approve(MERCHANT, None, NOW)
    with pytest.raises(RequestClosed):
        request.expire(NOW + timedelta(hours=2))
    assert request.status == RequestStatus.REJECTED


def test_a_request_past_its_expiry_can_only_expire() -> None:
    # Given a request an hour past its expiry
    request = _request(hours=1)
    later = NOW + timedelta(hours=2)
    # When / Then a decision is refused as expired, and the expiry is recorded
    with pytest.raises(RequestExpired):
        request.approve(MERCHANT, None, later)
    assert request.status == RequestStatus.PENDING
    assert request.expire(later).type == "change_request.expired"
    assert (request.status, request.finished_at) == (RequestStatus.EXPIRED, later)


def test_a_request_cannot_expire_before_its_time() -> None:
    request = _request(hours=1)
    with pytest.raises(RequestClosed):
        request.expire(NOW)


@pytest.mark.parametrize(
    "command",
    [
        Pause("sub_1"),
        Pause("sub_1", NOW + timedelta(days=3)),
        Cancel("sub_1", "period_end"),
        Skip("sub_1"),
        ChangeQuantity("sub_1", 111, 4),
        ChangeCadence("sub_1", "Every 2 weeks"),
        ChangeShippingAddress("sub_1", {"city": "Arlington", "zip": "22202"}),
    ],
)
def test_a_request_holds_the_very_command_the_route_built(command: Any) -> None:
    # Given the command as a request stores it (through JSON, as storage keeps it)
    kind, change = to_change(command)
    request, _ = ChangeRequest.submit(
        request_id="creq_1",
        store_hash="store1",
        subscription_id="sub_1",
        kind=kind,
        change=change,
        requested_by=SHOPPER,
        now=NOW,
        settings=ChangeRequestSettings(),
    )
    stored = from_json(ChangeRequest, to_json(request))
    # When / Then the command comes back equal
    assert to_command(stored) == command


def test_only_the_portals_own_changes_may_be_requested() -> None:
    assert requestable(Skip("sub_1"))
    assert not requestable(Resume("sub_1"))


def test_a_store_sets_whether_shoppers_ask_and_how_long_requests_wait() -> None:
    # Given / When
    default = effective_config(None).change_requests
    chosen = effective_config(
        {"change_requests": {"shopper_changes": "request", "expire_after_hours": 24}}
    ).change_requests
    # Then
    assert (default.shopper_changes, default.expire_after_hours) == ("direct", 72)
    assert (chosen.shopper_changes, chosen.expire_after_hours) == ("request", 24)


@pytest.mark.parametrize(
    "overrides",
    [
        {"shopper_changes": "sometimes"},
        {"expire_after_hours": 0},
        {"expire_after_hours": 721},
        {"approver": "anyone"},
    ],
)
def test_an_invalid_change_request_setting_is_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(InvalidTenantConfig) as refused:
        effective_config({"change_requests": overrides})
    assert all(e["loc"].startswith("change_requests") for e in refused.value.errors)


def test_the_tenant_policy_lets_the_merchant_act_and_decide_and_shoppers_ask_when_told() -> None:
    # Given the default policy, a store that wants approval and one that does not
    policy, sub = TenantApprovalPolicy(), subscription()
    asking = effective_config({"change_requests": {"shopper_changes": "request"}})
    direct = effective_config(None)
    merchant, shopper = Caller("store1"), Caller("store1", customer_id=sub.customer_id)
    request = _request()
    # When / Then
    assert policy.always_direct(merchant) and not policy.always_direct(shopper)
    assert not policy.must_request(merchant, sub, ChangeKind.CANCEL, asking)
    assert policy.must_request(shopper, sub, ChangeKind.CANCEL, asking)
    assert not policy.must_request(shopper, sub, ChangeKind.CANCEL, direct)
    assert policy.may_decide(merchant, request, sub)
    assert not policy.may_decide(shopper, request, sub)


def test_a_decision_that_assigns_a_wrong_value_is_refused() -> None:
    # Given a pending request
    request, _ = ChangeRequest.submit(
        request_id="chr_wrong",
        store_hash="store1",
        subscription_id="sub_1",
        kind=ChangeKind.SKIP,
        change={},
        requested_by=SHOPPER,
        now=NOW,
        settings=ChangeRequestSettings(),
    )
    # When a decision carries a reason that is not text, Then it is refused like a bad record
    with pytest.raises(TypeError, match="reason"):
        request.approve(SHOPPER, 42, NOW)  # type: ignore[arg-type]
