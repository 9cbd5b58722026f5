"""The auth-expiry sweep: authorizations that need a look, from the sparse AuthExpiryIndex
(a cycle's one order, or each delivery location's own order, every one on its own):

- a capture or void still pending: its outcome is read back (never requested again while
  BigCommerce holds it);
- a capture that is due (capture timing `immediate`, or a declined capture to try again);
- an authorization `auth_expiry_lead_hours` before it expires: the store's
  `auth_expiry_action` decides, capture early or void (the merchant hears `charge.voided`,
  reason `authorization_expiring`, and the cycle goes back to dunning on a new order).

Each is handled by the same exactly-once capture/void as the webhooks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import msgspec

from ..domain.authorization import AuthState
from ..observability import logger
from ..ports.bigcommerce import BigCommerceError
from .payment_actions import ActionDeps, RenewalCharge, settle_authorization

if TYPE_CHECKING:
    from ..ports.storage import AuthorizationDue

# Stop with room for one more authorization (three calls of up to 10 s); the rest stays due.
RESERVE_MS = 35_000


class AuthorizationIndex(Protocol):
    def due(self, now: datetime) -> Iterator[AuthorizationDue]: ...


class SweepResult(msgspec.Struct):
    seen: int = 0
    outcomes: dict[str, int] = msgspec.field(default_factory=dict)


def sweep_authorizations(
    now: datetime,
    *,
    index: AuthorizationIndex,
    deps: Callable[[], ActionDeps],
    time_left_ms: Callable[[], int],
) -> SweepResult:
    result = SweepResult()
    for row in index.due(now):
        if time_left_ms() < RESERVE_MS:
            break
        result.seen += 1
        # The index is shared by every store: one row's failure must not stop the others.
        # A failed row stays in the index, so the next run tries it again.
        try:
            outcome = _handle(row, now, deps())
        except BigCommerceError:
            outcome = "bigcommerce_unavailable"
        except LookupError:
            # Uninstalled: its token is revoked, so nothing may be called for it.
            logger.warning("authorization of an uninstalled store", store_hash=row.store_hash)
            outcome = "store_not_installed"
        except Exception:
            logger.exception(
                "authorization check failed",
                store_hash=row.store_hash,
                subscription_id=row.subscription_id,
                cycle=row.cycle,
            )
            outcome = "failed"
        result.outcomes[outcome] = result.outcomes.get(outcome, 0) + 1
    return result


def _handle(row: AuthorizationDue, now: datetime, d: ActionDeps) -> str:
    with d.uow:
        sub = d.uow.subscriptions.get(row.store_hash, row.subscription_id)
        charge = d.uow.charges.get(row.store_hash, row.subscription_id, row.cycle, row.location_id)
        if sub is None or charge is None or charge.authorization is None:
            return "gone"
        auth, found = charge.authorization, RenewalCharge(sub, charge)
        if auth.settled:
            return "settled"
        if auth.pending:
            action = "capture" if auth.state == AuthState.CAPTURE_PENDING else "void"
            return settle_authorization(found, action, auth.reason or "recheck", d)
        if auth.expiring(now):
            policy = d.uow.tenant_configs.get(row.store_hash).auth_expiry_action
            return settle_authorization(found, policy, "authorization_expiring", d)
        if auth.capture_due_at is not None and auth.capture_due_at <= now:
            return settle_authorization(found, "capture", "capture_due", d)
        return "not_due"
