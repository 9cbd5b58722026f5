"""Message bodies passed between functions through SQS; validated on both ends.

msgspec structs rather than pydantic models: the relay, the sweeps and the delivery worker would
otherwise load pydantic (a sixth of their cold start) for three small bodies. A body is checked
when it is built and when it is read; a bad one raises `MalformedMessage`, and a worker fails
only that record.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Self

import msgspec

_STORE_HASH = re.compile(r"[A-Za-z0-9]+")


class MalformedMessage(ValueError):
    """A message body that is not JSON of the expected shape."""


def _text(name: str, value: object, *, min_length: int = 1, max_length: int | None = None) -> None:
    if not isinstance(value, str):
        raise MalformedMessage(f"{name}: expected a string")
    if len(value) < min_length or (max_length is not None and len(value) > max_length):
        limit = f"{min_length}..{max_length}" if max_length is not None else f"{min_length}+"
        raise MalformedMessage(f"{name}: length must be {limit}")


def _whole(name: str, value: object, *, minimum: int) -> None:
    # bool is an int in Python, never in these bodies.
    if not isinstance(value, int) or isinstance(value, bool):
        raise MalformedMessage(f"{name}: expected an integer")
    if value < minimum:
        raise MalformedMessage(f"{name}: must be at least {minimum}")


class _Message(msgspec.Struct, frozen=True, kw_only=True):
    """A body's JSON: its fields in order, members it does not know ignored (a newer sender's).

    The checks sit in each body's `__post_init__`, which runs both when code builds a body
    (msgspec does not check types then) and when a worker decodes one.
    """

    @classmethod
    def from_json(cls, body: str | bytes) -> Self:
        try:
            return msgspec.json.decode(body, type=cls)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise MalformedMessage(str(exc)) from exc

    def to_json(self) -> str:
        # ASCII only: SQS refuses some characters JSON may carry raw (U+FFFE, U+FFFF), so
        # anything beyond ASCII goes escaped; and never a NaN, which no decoder would take.
        return json.dumps(msgspec.to_builtins(self), separators=(",", ":"), allow_nan=False)


class RenewSubscription(_Message, frozen=True, kw_only=True):
    """Command: run the renewal workflow for one (subscription, cycle)."""

    store_hash: str
    subscription_id: str
    cycle: int
    # The REST quota the sweep paced this store by; a worker that sees another one records it.
    paced_quota: int | None = None

    def __post_init__(self) -> None:
        _text("store_hash", self.store_hash, max_length=64)
        _text("subscription_id", self.subscription_id, max_length=64)
        _whole("cycle", self.cycle, minimum=2)
        if self.paced_quota is not None:
            _whole("paced_quota", self.paced_quota, minimum=1)


class DeliverWebhook(_Message, frozen=True, kw_only=True):
    """Command: deliver one event to one merchant endpoint."""

    store_hash: str
    endpoint_id: str
    event_id: str
    event_type: str
    body: str
    attempt: int = 1
    # A retry is due at this time; SQS delays stop at 15 minutes, so the worker may still
    # receive it early and then waits out the rest on the message's visibility.
    not_before: datetime | None = None

    def __post_init__(self) -> None:
        _text("store_hash", self.store_hash, max_length=64)
        _text("endpoint_id", self.endpoint_id, max_length=64)
        _text("event_id", self.event_id)
        _text("event_type", self.event_type)
        _text("body", self.body, min_length=2)
        _whole("attempt", self.attempt, minimum=1)
        if self.not_before is not None and not isinstance(self.not_before, datetime):
            raise MalformedMessage("not_before: expected a date-time")


class ProcessBcWebhook(_Message, frozen=True, kw_only=True):
    """Command: do the work of one verified BigCommerce delivery (its inbox row exists)."""

    store_hash: str
    delivery_hash: str
    scope: str
    data: dict[str, Any]

    def __post_init__(self) -> None:
        _text("store_hash", self.store_hash, max_length=64)
        if not _STORE_HASH.fullmatch(self.store_hash):
            raise MalformedMessage("store_hash: letters and digits only")
        _text("delivery_hash", self.delivery_hash, max_length=128)
        _text("scope", self.scope, max_length=128)
        if not isinstance(self.data, dict) or not all(isinstance(k, str) for k in self.data):
            raise MalformedMessage("data: expected a JSON object")
