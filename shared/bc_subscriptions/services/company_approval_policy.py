"""The company approver: on a company's subscription, a buyer whose company role must ask
(a junior buyer) submits a request, and an admin of that company or the merchant decides it.

Everything else is the store's rule (`TenantApprovalPolicy`), so a store without B2B Edition,
or a subscription of no company, is decided exactly as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.company_access import decides_for, must_ask
from .change_approval_policy import TenantApprovalPolicy

if TYPE_CHECKING:
    from ..domain.change_requests import ChangeKind, ChangeRequest
    from ..domain.subscription import Subscription
    from ..domain.tenant_config import TenantConfig
    from .commands import Caller


class CompanyApprovalPolicy:
    def __init__(self) -> None:
        self._tenant = TenantApprovalPolicy()

    def always_direct(self, caller: Caller) -> bool:
        return self._tenant.always_direct(caller)

    def must_request(
        self, caller: Caller, sub: Subscription, kind: ChangeKind, config: TenantConfig
    ) -> bool:
        if caller.customer_id is not None and must_ask(sub, caller.customer_id):
            return True
        return self._tenant.must_request(caller, sub, kind, config)

    def may_decide(self, caller: Caller, request: ChangeRequest, sub: Subscription) -> bool:
        if caller.customer_id is not None and decides_for(sub, caller.customer_id):
            return True
        return self._tenant.may_decide(caller, request, sub)
