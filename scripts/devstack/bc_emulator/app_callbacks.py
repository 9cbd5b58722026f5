"""The app's side of a store: install codes, signed load/uninstall/remove_user payloads,
uninstalling and removing a user's access."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid

from .state import Store
from .webhooks import WebhookOutbox

PAYLOAD_LIFETIME_S = 24 * 3600  # BigCommerce's signed payloads live a day
CUSTOMER_JWT_LIFETIME_S = 15 * 60  # the storefront's current-customer token


class AppCallbacks:
    """Mixed into the emulator: what BigCommerce does around `/auth`, `/load`, `/uninstall`."""

    lock: threading.RLock
    stores: dict[str, Store]
    client_id: str
    client_secret: str
    _auth_codes: dict[str, tuple[str, int]]
    _revoked: set[str]
    outbox: WebhookOutbox

    def issue_auth_code(self, store_hash: str, *, user_id: int = 1) -> str:
        """A one-time code, as the install callback receives, for `POST /oauth2/token`;
        `user_id` is the store user installing (the owner, 1, unless said otherwise).

        After an uninstall the old token stays revoked: the reinstall is granted a new one.
        """
        code = secrets.token_urlsafe(16)
        with self.lock:
            store = self.stores[store_hash]
            if store_hash in self._revoked:
                store.access_token = f"token-{store_hash}-{secrets.token_hex(4)}"
                self._revoked.discard(store_hash)
            self._auth_codes[code] = (store_hash, user_id)
        return code

    def redeem_auth_code(self, code: str) -> tuple[str, int] | None:
        """The store and installing user a code was issued for; a code works once."""
        with self.lock:
            return self._auth_codes.pop(code, None)

    def signed_payload(
        self,
        store_hash: str,
        *,
        lifetime_s: int = PAYLOAD_LIFETIME_S,
        client_id: str | None = None,
        client_secret: str | None = None,
        user_id: int = 1,
    ) -> str:
        """`signed_payload_jwt` as `/load`, `/uninstall` and `/remove_user` receive it (HS256,
        client secret); `user` is the store owner (1) or another user of the store."""
        now = int(time.time())
        email = "owner@example.com" if user_id == 1 else f"user{user_id}@example.com"
        claims = {
            "aud": client_id or self.client_id,
            "iss": "bc",
            "iat": now,
            "nbf": now,
            "exp": now + lifetime_s,
            "jti": str(uuid.uuid4()),
            "sub": f"stores/{store_hash}",
            "user": {"id": user_id, "email": email, "locale": "en-US"},
            "owner": {"id": 1, "email": "owner@example.com"},
            "url": "/",
            "channel_id": None,
        }
        head = _segment({"typ": "JWT", "alg": "HS256"})
        body = _segment(claims)
        key = (client_secret or self.client_secret).encode()
        signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(signature)}"

    def current_customer_jwt(
        self,
        store_hash: str,
        customer_id: int,
        *,
        lifetime_s: int = CUSTOMER_JWT_LIFETIME_S,
        client_id: str | None = None,
        client_secret: str | None = None,
    ) -> str:
        """What the storefront's `/customer/current.jwt?app_client_id=...` answers (`token`)."""
        now = int(time.time())
        with self.lock:
            customer = self.stores[store_hash].customers[customer_id]
        claims = {
            "customer": {"id": customer_id, "email": customer.email, "group_id": "0"},
            "iss": "bc/apps",
            "iat": now,
            "exp": now + lifetime_s,
            "version": 1,
            "aud": client_id or self.client_id,
            "application_id": client_id or self.client_id,
            "store_hash": store_hash,
            "operation": "current_customer",
        }
        head, body = _segment({"typ": "JWT", "alg": "HS256"}), _segment(claims)
        key = (client_secret or self.client_secret).encode()
        signature = hmac.new(key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(signature)}"

    def uninstall_app(self, store_hash: str) -> str:
        """The merchant uninstalls: `store/app/uninstalled` sent, then hooks (and scripts that
        asked for it) deleted and the token revoked; the `/uninstall` payload."""
        with self.lock:
            store = self.stores[store_hash]
            self.outbox.queue(store, "store/app/uninstalled", {"type": "store"})
            store.hooks.clear()
            # Scripts asking for it leave with the app (`auto_uninstall`).
            store.scripts = {
                k: s
                for k, s in store.scripts.items()
                if not (s["auto_uninstall"] and s["api_client_id"] == self.client_id)
            }
            store.access_token = f"revoked-{secrets.token_hex(8)}"
            self._revoked.add(store_hash)
        return self.signed_payload(store_hash)

    def remove_user(self, store_hash: str, user_id: int) -> str:
        """The store owner takes a user's access to the app away: the `/remove_user` payload
        (`user` is the removed user). The owner's own access cannot be removed."""
        if user_id == 1:
            raise ValueError("the store owner's access cannot be removed")
        with self.lock:
            if store_hash not in self.stores:
                raise KeyError(store_hash)
        return self.signed_payload(store_hash, user_id=user_id)


def _segment(value: dict[str, object]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
