"""Which action each command is, and the refusal of a shopper whose roles do not allow it.

The roles' permissions are `domain.actors.PERMISSIONS`; this table only names the action a
command performs, so a new command gets its permission by naming one here, not by a check of
its own. A shopper with no role on the subscription is told it does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..domain.actors import Action, Principal
from ..domain.company_access import ensure_allowed
from . import commands as c
from .subscription_admin import owned_by_caller

if TYPE_CHECKING:
    from ..ports.storage import UnitOfWork

COMMAND_ACTIONS: Mapping[type[c.Command[Any]], Action] = MappingProxyType(
    {
        c.Pause: Action.PAUSE,
        c.Resume: Action.RESUME,
        c.Skip: Action.SKIP,
        c.Cancel: Action.CANCEL,
        c.WithdrawScheduledCancel: Action.WITHDRAW_CANCEL,
        c.ChangeQuantity: Action.CHANGE_QUANTITY,
        c.ChangeCadence: Action.CHANGE_CADENCE,
        c.ChangeShippingAddress: Action.CHANGE_ADDRESS,
        c.SwapVariant: Action.SWAP_VARIANT,
        c.RetryPayment: Action.RETRY_PAYMENT,
        c.ChooseCard: Action.CHANGE_CARD,
        c.SetCustomFields: Action.EDIT_CUSTOM_FIELDS,
    }
)


def principal(
    uow: UnitOfWork, store_hash: str, customer_id: int | None, *, with_card: bool = True
) -> Principal:
    """The caller with the store's setting for managers and the card (read only `with_card`:
    no other action depends on it)."""
    if not with_card:
        return Principal(customer_id)
    config = uow.tenant_configs.get(store_hash)
    return Principal(customer_id, managers_may_change_card=config.managers_may_change_card)


def ensure_caller_may(
    command: c.Command[Any],
    caller: c.Caller,
    uow_factory: Callable[[], UnitOfWork],
    *,
    asking: bool = False,
) -> None:
    """Refuse (`RoleForbids`, naming the roles) a shopper's command their roles do not allow.

    It reads the subscription in a unit of work of its own, before the change's: a role
    removed between the two reads lets one last change through, which the audit still shows
    (the event records who acted). `asking`: the command is to become a change request, which
    a company role that must ask may make (`domain.company_access`)."""
    action = COMMAND_ACTIONS.get(type(command))
    subscription_id = getattr(command, "subscription_id", None)
    if action is None or caller.customer_id is None or subscription_id is None:
        return
    with uow_factory() as uow:
        sub = owned_by_caller(uow, caller.store_hash, subscription_id, caller.customer_id)
        card = action is Action.CHANGE_CARD
        who = principal(uow, caller.store_hash, caller.customer_id, with_card=card)
        ensure_allowed(sub, who, action, asking=asking)
