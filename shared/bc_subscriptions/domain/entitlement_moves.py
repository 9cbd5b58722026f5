"""An entitlement follows its subscription's beneficiary when the merchant names another.

An entitlement is made for the subscription's beneficiary; when a later beneficiary is named
(or removed, leaving the owner receiving), every entitlement not yet revoked moves to them.
The old holder hears `entitlement.revoked` (it is gone for them), the new one
`entitlement.granted` for an active entitlement or `entitlement.suspended` for a suspended one
(they hold it, but it keeps them in no group until payment recovers). A pending entitlement
moves without a word: nobody held it yet. A revoked one stays with the customer who held it.
The group ledgers follow each entitlement's holder (`GroupLedger.hold`), so the old holder's
group is restored exactly as on revoke and the new one is moved by the same priority.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import events as ev
from .entitlements import Entitlement, EntitlementStatus

BENEFICIARY_CHANGED = "beneficiary_changed"


def current_holder(ents: list[Entitlement]) -> int | None:
    """Who holds the subscription's entitlements now (None: it has none). All of them are made
    together and move together; a revoked one stays with whoever held it, so the live ones
    say."""
    live = [e for e in ents if e.status != EntitlementStatus.REVOKED] or ents
    return live[0].holder_customer_id if live else None


def movable(ent: Entitlement, to: int) -> bool:
    """Whether the entitlement still belongs with the subscription's beneficiary `to` and
    is held by someone else."""
    return ent.status != EntitlementStatus.REVOKED and ent.holder_customer_id != to


def move_holder(ent: Entitlement, to: int, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """Give the entitlement to customer `to`; the events that say so, in order."""
    before = ent.event_data(BENEFICIARY_CHANGED)
    # The new holder holds it from now: among equal priorities, the one held longest wins.
    ent.holder_customer_id, ent.changed_at = to, now
    if ent.status == EntitlementStatus.PENDING:
        return []
    after = ent.event_data(BENEFICIARY_CHANGED)
    taken = (ev.ENTITLEMENT_REVOKED, {**before, "status": EntitlementStatus.REVOKED.value})
    if ent.status == EntitlementStatus.ACTIVE:
        return [taken, (ev.ENTITLEMENT_GRANTED, after)]
    return [taken, (ev.ENTITLEMENT_SUSPENDED, after)]
