"""BigCommerce's `signed_payload_jwt` on `/load` and `/uninstall`: HS256 with the app's client
secret, `aud` = the client id, `sub` = `stores/{hash}`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from .jwt_tokens import InvalidToken, check_lifetime, verified_claims

_SUB = re.compile(r"^stores/([A-Za-z0-9]+)$")


class InvalidSignedPayload(InvalidToken):
    """The payload did not verify; `code` is the machine-readable reason."""


def verify_signed_payload(token: str, *, client_secret: str, client_id: str, now: datetime) -> str:
    """The store hash the payload was signed for (`sub` = `stores/{hash}`)."""
    return verified_payload(token, client_secret=client_secret, client_id=client_id, now=now)[0]


def verified_payload(
    token: str, *, client_secret: str, client_id: str, now: datetime
) -> tuple[str, dict[str, Any]]:
    """The store hash and the claims (e.g. `user`), once signature and claims verified."""
    claims = verified_claims(
        token,
        client_secret.encode(),
        InvalidSignedPayload,
        audience=client_id,
        audience_list=True,
    )
    check_lifetime(claims, now, InvalidSignedPayload)
    match = _SUB.match(str(claims.get("sub", "")))
    if match is None:
        raise InvalidSignedPayload("no_store")
    return match.group(1), claims
