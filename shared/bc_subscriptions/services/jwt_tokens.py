"""HS256 JSON Web Tokens through PyJWT: every token we sign or accept goes through here.

BigCommerce's signed `/load` payloads, its current-customer JWT and our admin sessions are all
HS256. PyJWT checks the structure, the algorithm (HS256 only: never `none`, never an
asymmetric algorithm a key could be confused with), the signature in constant time, that
`exp` is present, and the audience when one is expected. The times (`exp`, `nbf`) are checked
here against the caller's clock rather than PyJWT's, so they follow the business clock the
rest of the product uses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt

LEEWAY_S = 60  # clock skew between the token's issuer and us
ALGORITHMS = ["HS256"]


class InvalidToken(Exception):
    """The token did not verify; `code` is the machine-readable reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def sign(claims: dict[str, Any], key: bytes) -> str:
    return jwt.encode(claims, key, algorithm="HS256")


def verified_claims(
    token: str,
    key: bytes,
    error: type[InvalidToken] = InvalidToken,
    *,
    audience: str | None = None,
    audience_list: bool = False,
) -> dict[str, Any]:
    """The claims of a token whose HS256 signature verifies with `key`, with `exp` present and,
    when `audience` is given, `aud` equal to it (or, with `audience_list`, a list holding
    it); raises `error`."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=ALGORITHMS,
            audience=audience,
            options={
                "require": ["exp"],
                "verify_aud": audience is not None,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_iss": False,
                "verify_sub": False,  # each caller reads `sub` itself, when it has one
                "verify_jti": False,
                "strict_aud": not audience_list,
            },
        )
    except jwt.InvalidAlgorithmError as exc:
        raise error("unsupported_algorithm") from exc
    except jwt.InvalidSignatureError as exc:
        raise error("bad_signature") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise error("wrong_audience" if exc.claim == "aud" else "expired") from exc
    except jwt.InvalidAudienceError as exc:
        raise error("wrong_audience") from exc
    except jwt.InvalidTokenError as exc:
        raise error("malformed") from exc
    if not isinstance(claims, dict):
        raise error("malformed")
    return claims


def check_lifetime(
    claims: dict[str, Any],
    now: datetime,
    error: type[InvalidToken] = InvalidToken,
    leeway_s: int = LEEWAY_S,
) -> None:
    """`exp` is a number and not past; `nbf`, when present, is not ahead (both with leeway)."""
    instant = now.timestamp()
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float) or exp + leeway_s <= instant:
        raise error("expired")
    nbf = claims.get("nbf")
    if isinstance(nbf, int | float) and not isinstance(nbf, bool) and nbf - leeway_s > instant:
        raise error("not_yet_valid")
