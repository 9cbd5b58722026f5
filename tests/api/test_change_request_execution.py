"""An approved change request runs once whatever happens around it: a crash between the
approval and the change, two approvals racing, the requester's rate limit, and the expiry
sweep, on the in-memory container (the services the API routes call, with faults the routes
cannot inject)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, cast

import pytest

from bc_subscriptions.adapters.memory import MemoryChangeRequestReads, MemoryUnitOfWork
from bc_subscriptions.bootstrap import container
from bc_subscriptions.domain.change_requests import ChangeRequest, RequestStatus
from bc_subscriptions.ports.bigcommerce import BigCommerce
from bc_subscriptions.ports.change_requests import ChangeRequestUnitOfWork
from bc_subscriptions.ports.queues import MessageQueue
from bc_subscriptions.ports.storage import OpsEvents
from bc_subscriptions.services import change_request_apply
from bc_subscriptions.services import change_requests as requests
from bc_subscriptions.services.change_approval_policy import TenantApprovalPolicy
from bc_subscriptions.services.change_limits import RateLimited, change_limit
from bc_subscriptions.services.command_handlers import ChangeDeps
from bc_subscriptions.services.commands import Caller

from ..services.world import _seal
from .world import ApiStack, ApiWorld

MERCHANT_POLICY = TenantApprovalPolicy()


def _pending_skip(world: ApiWorld, hours: int = 72) -> tuple[str, str]:
    overrides = {"change_requests": {"shopper_changes": "request", "expire_after_hours": hours}}
    with world.stack.uow() as uow:
        uow.tenant_configs.put(world.store_hash, overrides)
        uow.commit()
    customer, _ = world.subscribe()
    token = str(world.emulator.current_customer_jwt(world.store_hash, customer.id))
    sub_id = world.subscription_ids()[-1]
    reply = world.call("POST", f"/portal/subscriptions/{sub_id}/skip", token)
    assert reply.status == 202, reply.body
    return sub_id, str(reply.json()["change_request"]["id"])


def _approve(world: ApiWorld, sub_id: str, request_id: str, deps: Any = None) -> ChangeRequest:
    return requests.approve(
        Caller(world.store_hash),
        sub_id,
        request_id,
        None,
        deps=deps or cast(ChangeDeps, container()),
        policy=MERCHANT_POLICY,
        now=world.stack.now(),
    )


def _status(world: ApiWorld, sub_id: str, request_id: str) -> RequestStatus:
    caller = Caller(world.store_hash)
    deps = cast(ChangeDeps, container())
    return requests.get_request(caller, sub_id, request_id, deps=deps).status


def test_an_approval_retried_after_a_crash_before_the_change_runs_it_once(
    world: ApiWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an approval whose process dies after the approval committed, before the change
    sub_id, request_id = _pending_skip(world)
    real = change_request_apply.handle

    def crash(*_: Any) -> Any:
        raise RuntimeError("the process died")

    monkeypatch.setattr(change_request_apply, "handle", crash)
    with pytest.raises(RuntimeError):
        _approve(world, sub_id, request_id)
    assert _status(world, sub_id, request_id) == RequestStatus.APPROVED
    assert "subscription.cycle_skipped" not in world.event_types()
    # When the approval is retried, and retried again
    monkeypatch.setattr(change_request_apply, "handle", real)
    retried = _approve(world, sub_id, request_id)
    again = _approve(world, sub_id, request_id)
    # Then the change ran once, and the request says it applied
    assert retried.status == again.status == RequestStatus.APPLIED
    assert world.event_types().count("subscription.cycle_skipped") == 1
    assert world.event_types().count("change_request.approved") == 1


class _RacingDeps:
    """The container's adapters, with units of work that wait for each other before a commit
    that writes anything: both approvals have read the request before either commits."""

    def __init__(self, stack: ApiStack, barrier: threading.Barrier) -> None:
        self._stack, self._barrier = stack, barrier

    def unit_of_work(self) -> ChangeRequestUnitOfWork:
        barrier = self._barrier

        class Racing(MemoryUnitOfWork):
            def commit(self) -> None:
                if self._staged:
                    barrier.wait(timeout=10)
                super().commit()

        return Racing(self._stack.store, seal=_seal)

    @property
    def bigcommerce(self) -> BigCommerce:
        return container().bigcommerce

    @property
    def ops_events(self) -> OpsEvents:
        return container().ops_events

    @property
    def renewal_queue(self) -> MessageQueue:
        return cast(MessageQueue, container().renewal_queue)


def test_two_approvals_racing_run_the_change_once(
    world: ApiWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an approved request whose change has not run yet (its first try crashed)
    sub_id, request_id = _pending_skip(world)
    real = change_request_apply.handle
    monkeypatch.setattr(change_request_apply, "handle", lambda *_: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        _approve(world, sub_id, request_id)
    monkeypatch.setattr(change_request_apply, "handle", real)
    # When two approvals run it at once, each committing only after both have read
    deps = _RacingDeps(world.stack, threading.Barrier(2))
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda _: _approve(world, sub_id, request_id, deps), range(2)))
    # Then both answer the applied request, and the change ran once
    assert [a.status for a in answers] == [RequestStatus.APPLIED] * 2
    assert world.event_types().count("subscription.cycle_skipped") == 1
    assert world.event_types().count("change_request.applied") == 1


def test_the_expiry_sweep_expires_only_what_nobody_decided_in_time(stack: ApiStack) -> None:
    # Given a request that waits two hours in one store and one that waits three days in another
    quick, slow = ApiWorld.create(stack), ApiWorld.create(stack)
    quick_sub, quick_request = _pending_skip(quick, hours=2)
    slow_sub, slow_request = _pending_skip(slow, hours=72)
    # When three hours pass and the sweep runs, twice
    stack.clock.advance(timedelta(hours=3))
    sweep: dict[str, Any] = {
        "reads": MemoryChangeRequestReads(stack.store),
        "uow_factory": stack.uow,
        "time_left_ms": lambda: 60_000,
    }
    first = requests.expire_requests(stack.now(), **sweep)
    second = requests.expire_requests(stack.now(), **sweep)
    # Then the quick store's request expired, once, and the other waits on
    assert (first, second) == (1, 0)
    assert _status(quick, quick_sub, quick_request) == RequestStatus.EXPIRED
    assert quick.event_types().count("change_request.expired") == 1
    assert _status(slow, slow_sub, slow_request) == RequestStatus.PENDING


def test_the_expiry_sweep_stops_when_its_invocation_runs_out_of_time(world: ApiWorld) -> None:
    _pending_skip(world, hours=1)
    world.stack.clock.advance(timedelta(hours=2))
    expired = requests.expire_requests(
        world.stack.now(),
        reads=MemoryChangeRequestReads(world.stack.store),
        uow_factory=world.stack.uow,
        time_left_ms=lambda: requests.EXPIRY_RESERVE_MS - 1,
    )
    assert expired == 0
    assert "change_request.expired" not in world.event_types()


def test_an_approval_the_requesters_rate_limit_refuses_stays_approved_until_approved_again(
    world: ApiWorld,
) -> None:
    # Given a pending skip, and a shopper who spent this hour's changes of the subscription
    sub_id, request_id = _pending_skip(world)
    customer_id = world.subscriptions()[-1]["doc"]["customer_id"]
    limit = change_limit(sub_id, customer_id)
    with world.stack.uow() as uow:
        for _ in range(limit.limit):
            assert (
                uow.rate_limits.spend(
                    world.store_hash,
                    limit.key,
                    limit=limit.limit,
                    window=limit.window,
                    now=world.stack.now(),
                )
                is None
            )
            uow.commit()
    # When the merchant approves it
    with pytest.raises(RateLimited):
        _approve(world, sub_id, request_id)
    # Then the approval stands, nothing was skipped, and once the hour passed approving again
    # applies it
    assert _status(world, sub_id, request_id) == RequestStatus.APPROVED
    assert "subscription.cycle_skipped" not in world.event_types()
    world.stack.clock.advance(limit.window)
    assert _approve(world, sub_id, request_id).status == RequestStatus.APPLIED
    assert world.event_types().count("subscription.cycle_skipped") == 1
