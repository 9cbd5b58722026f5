"""Management API calls (`/stores/{hash}/v2|v3/...`) decoded into the port's models."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec

from .errors import unreadable

if TYPE_CHECKING:
    from .session import Session

M = TypeVar("M", bound=msgspec.Struct)


class StoreApi:
    """`X-Auth-Token` calls against `{api_url}/stores/{hash}`; v3 answers unwrap `data`."""

    def __init__(self, session: Session, api_url: str, token_provider: Callable[[str], str]):
        self._session, self._api, self._token = session, api_url.rstrip("/"), token_provider

    def call(self, store_hash: str, method: str, path: str, **kwargs: Any) -> Any:
        """The decoded body of one call (None for 204)."""
        headers = {
            "X-Auth-Token": self._token(store_hash),
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        url = f"{self._api}/stores/{store_hash}{path}"
        return self._session.send(store_hash, method, url, headers=headers, **kwargs)

    def one(
        self,
        model: type[M],
        store_hash: str,
        method: str,
        path: str,
        *,
        envelope: bool = False,
        **kwargs: Any,
    ) -> M:
        """One object; `envelope` for v3's `{"data": ...}`."""
        reply = self.call(store_hash, method, path, **kwargs)
        data = reply.get("data") if envelope and isinstance(reply, dict) else reply
        return validate(model, data, method, path)

    def many(
        self,
        model: type[M],
        store_hash: str,
        method: str,
        path: str,
        *,
        envelope: bool = False,
        **kwargs: Any,
    ) -> list[M]:
        """A list; an empty answer (BigCommerce's 204) is an empty list."""
        reply = self.call(store_hash, method, path, **kwargs)
        if envelope and isinstance(reply, dict):
            reply = reply.get("data")
        return many(model, reply, method, path)


def many(model: type[M], data: Any, method: str, where: str) -> list[M]:
    """A list of `model` from an answer (None, BigCommerce's 204, is an empty list)."""
    try:
        # Not strict: a number or boolean that arrives as a string (`"12"`, `"true"`) reads.
        return msgspec.convert(data or [], type=list[model], strict=False)  # type: ignore[valid-type]
    except msgspec.ValidationError as exc:
        raise unreadable(method, where, f"unexpected list of {model.__name__}") from exc


def validate(model: type[M], data: Any, method: str, where: str) -> M:
    """`model` from an answer; an unexpected shape is mapped like any other failure."""
    try:
        return msgspec.convert(data, type=model, strict=False)
    except msgspec.ValidationError as exc:
        raise unreadable(method, where, f"unexpected {model.__name__} shape") from exc
