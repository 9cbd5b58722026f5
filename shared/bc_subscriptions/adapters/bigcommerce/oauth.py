"""The login host's code exchange (`POST /oauth2/token`); the token it returns is never logged."""

from __future__ import annotations

import httpx
import msgspec

from ...ports.bigcommerce import BigCommerceError, BigCommerceUnavailable, OAuthGrant

TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class HttpOAuthClient:
    """One POST per install; a code works once, so a failure is not retried here."""

    def __init__(
        self,
        *,
        login_url: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._url = login_url.rstrip("/") + "/oauth2/token"
        self._client_id, self._client_secret = client_id, client_secret
        self._redirect_uri, self._transport = redirect_uri, transport

    def exchange_code(self, code: str, scope: str, context: str) -> OAuthGrant:
        form = {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "code": code,
            "scope": scope,
            "context": context,
            "grant_type": "authorization_code",
            "redirect_uri": self._redirect_uri,
        }
        try:
            with httpx.Client(transport=self._transport, timeout=TIMEOUT) as client:
                # The app guide documents a JSON body for this exchange.
                response = client.post(self._url, json=form, headers={"Accept": "application/json"})
        except httpx.TransportError as exc:
            raise BigCommerceUnavailable("POST /oauth2/token: no answer") from exc
        if not response.is_success:
            # The body may echo what was sent; only the status is kept.
            raise BigCommerceError("POST /oauth2/token refused", status=response.status_code)
        try:
            return msgspec.json.decode(response.content, type=OAuthGrant, strict=False)
        except msgspec.DecodeError as exc:  # not JSON, or not a grant
            raise BigCommerceError("POST /oauth2/token: unexpected answer") from exc
