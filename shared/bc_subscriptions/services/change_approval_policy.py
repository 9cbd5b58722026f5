"""Who may change a subscription directly, who must ask, and who may decide a request.

The one place these rules live. Today: the merchant always acts directly and decides any
request of their store; a shopper acts directly unless the store's tenant config says their
changes wait for approval (`change_requests.shopper_changes`), and never decides. A company's
approver (an `org_admin` of the subscription's company) is a further policy meeting this port:
it answers `may_decide` for requests on its company's subscriptions and `must_request` for
the company's buyers, and is what `entrypoints.change_pipeline.approval_policy` returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..domain.change_requests import ChangeKind, ChangeRequest
    from ..domain.subscription import Subscription
    from ..domain.tenant_config import TenantConfig
    from .commands import Caller


class ApprovalPolicy(Protocol):
    def always_direct(self, caller: Caller) -> bool:
        """True: the caller's changes never wait (nothing needs reading to know it)."""
        ...

    def must_request(
        self, caller: Caller, sub: Subscription, kind: ChangeKind, config: TenantConfig
    ) -> bool:
        """True: this change of the caller's waits for an approver instead of running."""
        ...

    def may_decide(self, caller: Caller, request: ChangeRequest, sub: Subscription) -> bool:
        """True: the caller may approve or reject this request."""
        ...


class TenantApprovalPolicy:
    """The merchant decides; a shopper's right to act directly is the store's setting."""

    def always_direct(self, caller: Caller) -> bool:
        return caller.customer_id is None

    def must_request(
        self, caller: Caller, sub: Subscription, kind: ChangeKind, config: TenantConfig
    ) -> bool:
        if self.always_direct(caller):
            return False
        return config.change_requests.shopper_changes == "request"

    def may_decide(self, caller: Caller, request: ChangeRequest, sub: Subscription) -> bool:
        return caller.customer_id is None
