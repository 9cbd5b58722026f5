"""A plan may grant only customer groups the store has: checked when the merchant sets it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.plan_metafield import InvalidPlan

if TYPE_CHECKING:
    from ..domain.plan import Plan
    from ..ports.entitlement_provider import EntitlementProvider


def check_plan_groups(store_hash: str, plan: Plan, provider: EntitlementProvider) -> None:
    """InvalidPlan naming each entitlement whose customer group this store does not have (one
    of another store, or deleted); no call for a plan that grants nothing."""
    if not plan.entitlements:
        return
    known = {group.id for group in provider.list_groups(store_hash)}
    wrong = tuple(
        (
            ("entitlements", index, "customer_group_id"),
            f"customer group {grant.customer_group_id} does not exist in this store",
        )
        for index, grant in enumerate(plan.entitlements)
        if grant.customer_group_id not in known
    )
    if wrong:
        raise InvalidPlan("; ".join(message for _, message in wrong), wrong)
