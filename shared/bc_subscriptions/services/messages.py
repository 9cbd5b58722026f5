"""Message bodies passed between functions through SQS; validated on both ends.

Frozen dataclasses with their own checks rather than pydantic models: the relay, the sweeps and
the delivery worker would otherwise load pydantic (a sixth of their cold start) for three small
bodies. A body is checked when it is built and when it is read; a bad one raises
`MalformedMessage`, and a worker fails only that record.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Self

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


def _fields(cls: Any, body: str | bytes) -> dict[str, Any]:
    """The body's members that are `cls`'s fields (others are ignored, as a newer sender's)."""
    try:
        raw = json.loads(body)
    except (ValueError, TypeError) as exc:
        raise MalformedMessage("body is not JSON") from exc
    if not isinstance(raw, dict):
        raise MalformedMessage("body is not a JSON object")
    names: dict[str, object] = cls.__dataclass_fields__
    return {k: v for k, v in raw.items() if k in names}


def _build(cls: type[Any], values: dict[str, Any]) -> Any:
    try:
        return cls(**values)
    except TypeError as exc:  # a required member is missing
        raise MalformedMessage(str(exc)) from exc


def _json(value: object) -> str:
    def encode(v: object) -> str:
        if isinstance(v, datetime):
            text = v.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        raise TypeError(f"not JSON: {type(v).__name__}")

    return json.dumps(value, separators=(",", ":"), default=encode)


@dataclass(frozen=True, kw_only=True, slots=True)
class RenewSubscription:
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

    @classmethod
    def from_json(cls, body: str | bytes) -> Self:
        built: Self = _build(cls, _fields(cls, body))
        return built

    def to_json(self) -> str:
        return _json(asdict(self))


@dataclass(frozen=True, kw_only=True, slots=True)
class DeliverWebhook:
    """Command: deliver one event to one merchant endpoint."""

    store_hash: str
    endpoint_id: str
    event_id: str
    event_type: str
    body: str
    attempt: int = 1
    # A retry is due at this time; SQS delays stop at 15 minutes, so the worker may still
    # receive it early and then waits out the rest on the message's visibility.
    not_before: datetime | None = field(default=None)

    def __post_init__(self) -> None:
        _text("store_hash", self.store_hash, max_length=64)
        _text("endpoint_id", self.endpoint_id, max_length=64)
        _text("event_id", self.event_id)
        _text("event_type", self.event_type)
        _text("body", self.body, min_length=2)
        _whole("attempt", self.attempt, minimum=1)
        if self.not_before is not None and not isinstance(self.not_before, datetime):
            raise MalformedMessage("not_before: expected a date-time")

    @classmethod
    def from_json(cls, body: str | bytes) -> Self:
        values = _fields(cls, body)
        not_before = values.get("not_before")
        if not_before is not None:
            if not isinstance(not_before, str):
                raise MalformedMessage("not_before: expected a date-time")
            try:
                values["not_before"] = datetime.fromisoformat(not_before)
            except ValueError as exc:
                raise MalformedMessage("not_before: expected a date-time") from exc
        built: Self = _build(cls, values)
        return built

    def to_json(self) -> str:
        return _json(asdict(self))


@dataclass(frozen=True, kw_only=True, slots=True)
class ProcessBcWebhook:
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

    @classmethod
    def from_json(cls, body: str | bytes) -> Self:
        built: Self = _build(cls, _fields(cls, body))
        return built

    def to_json(self) -> str:
        return _json(asdict(self))
