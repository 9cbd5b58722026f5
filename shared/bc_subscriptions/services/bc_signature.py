"""Standard Webhooks signature check of a BigCommerce delivery, over the raw body bytes.

The `standardwebhooks` library fixes its tolerance at 5 minutes and reads the system clock,
while BigCommerce retries one delivery (same id, same timestamp) for about 48 hours; a replay
inside that window is harmless because the delivery `hash` is deduplicated by the inbox, whose
rows outlive the tolerance. Any malformed header is a refusal, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta

# BigCommerce's retry schedule ends after about 48 hours; a little margin on top of it.
PAST_TOLERANCE = timedelta(hours=50)
FUTURE_TOLERANCE = timedelta(minutes=5)
_MAX_SIGNATURES = 8  # rotation sends two or three; more is not a signature header


class SignatureInvalid(Exception):
    """Missing or malformed headers, a timestamp outside the tolerance, or no matching MAC."""


def verify_signature(
    raw_body: bytes, headers: Mapping[str, str], *, key: bytes, now: datetime
) -> None:
    """Raise `SignatureInvalid` unless one `v1,` signature is the HMAC-SHA256 of
    `{webhook-id}.{webhook-timestamp}.{body}` under `key` (headers in lower case)."""
    msg_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    given = headers.get("webhook-signature", "")
    if not (msg_id and stamp and given):
        raise SignatureInvalid("missing signature headers")
    if not (msg_id.isascii() and len(msg_id) <= 256 and given.isascii()):
        raise SignatureInvalid("malformed signature headers")
    if not (stamp.isascii() and stamp.isdigit() and len(stamp) <= 12):
        raise SignatureInvalid("webhook-timestamp is not a Unix time in seconds")
    age = now - datetime.fromtimestamp(int(stamp), tz=now.tzinfo)
    if age > PAST_TOLERANCE or -age > FUTURE_TOLERANCE:
        raise SignatureInvalid("webhook-timestamp is outside the tolerance")
    signed = msg_id.encode() + b"." + stamp.encode() + b"." + raw_body
    expected = hmac.new(key, signed, hashlib.sha256).digest()
    candidates = given.split(" ")[:_MAX_SIGNATURES]
    if not any(hmac.compare_digest(expected, _v1_mac(c)) for c in candidates):
        raise SignatureInvalid("no matching signature")


def _v1_mac(versioned: str) -> bytes:
    """The MAC of one `v1,<base64>` entry; anything else yields bytes that never match."""
    version, comma, encoded = versioned.partition(",")
    if version != "v1" or not comma or "," in encoded:
        return b""
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return b""
