"""Which commands a change request may hold, and the command back from a stored request: the
approval runs the very command the shopper's route built, through the same table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.change_requests import ChangeKind, ChangeRequest
from .commands import (
    Cancel,
    ChangeCadence,
    ChangeQuantity,
    ChangeShippingAddress,
    Command,
    Pause,
    Skip,
)

RequestableCommand = Pause | Cancel | Skip | ChangeQuantity | ChangeCadence | ChangeShippingAddress


def requestable(command: Command[Any]) -> bool:
    return isinstance(command, RequestableCommand)


def to_change(command: RequestableCommand) -> tuple[ChangeKind, dict[str, Any]]:
    """The request's kind and the command's arguments as JSON (the subscription id aside)."""
    match command:
        case Pause(resume_at=resume_at):
            at = None if resume_at is None else resume_at.isoformat()
            return ChangeKind.PAUSE, {"resume_at": at}
        case Cancel(when=when):
            return ChangeKind.CANCEL, {"when": when}
        case Skip():
            return ChangeKind.SKIP, {}
        case ChangeQuantity(product_id=product_id, quantity=quantity):
            return ChangeKind.QUANTITY, {"product_id": product_id, "quantity": quantity}
        case ChangeCadence(cadence=cadence):
            return ChangeKind.CADENCE, {"cadence": cadence}
        case ChangeShippingAddress(address=address):
            return ChangeKind.ADDRESS, {"address": dict(address)}
    raise TypeError(type(command).__name__)  # pragma: no cover - the union is exhaustive


def to_command(request: ChangeRequest) -> RequestableCommand:
    sub_id, args = request.subscription_id, request.change
    match request.kind:
        case ChangeKind.PAUSE:
            at = args.get("resume_at")
            return Pause(sub_id, None if at is None else datetime.fromisoformat(at))
        case ChangeKind.CANCEL:
            return Cancel(sub_id, args["when"])
        case ChangeKind.SKIP:
            return Skip(sub_id)
        case ChangeKind.QUANTITY:
            return ChangeQuantity(sub_id, int(args["product_id"]), int(args["quantity"]))
        case ChangeKind.CADENCE:
            return ChangeCadence(sub_id, str(args["cadence"]))
        case ChangeKind.ADDRESS:
            return ChangeShippingAddress(
                sub_id, {str(k): str(v) for k, v in args["address"].items()}
            )
    raise TypeError(request.kind)  # pragma: no cover - the enum is exhaustive
