"""Admin route for the onboarding checklist the control-panel app opens with after install."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import Field

from ..bootstrap import container
from ..domain.onboarding import Check, CheckState
from ..services.onboarding import onboarding_checklist
from .admin_auth import session_store
from .api_base import ApiModel

router = Router()  # type: ignore[no-untyped-call]


class CheckView(ApiModel):
    key: str = Field(description="hooks | plan | capture | endpoint | test_mode")
    state: CheckState
    code: str = Field(description="Why the item is in its state, machine-readable")
    facts: dict[str, Any]

    @classmethod
    def of(cls, check: Check) -> CheckView:
        return cls(key=check.key, state=check.state, code=check.code, facts=check.facts)


class OnboardingView(ApiModel):
    checks: list[CheckView]
    sample_order_id: int | None = Field(
        description="The checkout order capture and test mode were judged by (none yet: null)"
    )
    complete: bool = Field(description="No item is left to do")


@router.get("/admin/onboarding")
def onboarding() -> OnboardingView:
    """Hooks registered and active, a first plan, the gateway's capture mode against the
    store's capture timing, a webhook endpoint, and whether the gateway is in test mode."""
    store_hash, c = session_store(router.current_event.headers), container()
    with c.unit_of_work() as uow:
        config = uow.tenant_configs.get(store_hash)
    checklist = onboarding_checklist(
        store_hash,
        bc=c.bigcommerce,
        plans=c.plan_cache,
        endpoints=c.endpoints,
        reader=c.subscription_reads,
        config=config,
        app_base_url=c.settings.app_base_url,
    )
    views = [CheckView.of(check) for check in checklist.checks]
    return OnboardingView(
        checks=views,
        sample_order_id=checklist.sample_order_id,
        complete=all(v.state != CheckState.TODO for v in views),
    )
