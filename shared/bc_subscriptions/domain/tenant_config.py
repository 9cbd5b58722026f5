"""Tenant config: a preset (standard, aggressive, lenient) plus the store's validated overrides.

A store keeps only its overrides; the effective config is always rebuilt from the preset, so an
improved preset reaches every store that did not override that field.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from .change_requests import ChangeRequestSettings
from .contract import ContractGuard
from .errors import DomainError
from .record import FieldError, FrozenRecord, field_problems, from_data, problem_at, to_json_data

FinalAction = Literal["cancel", "pause"]
PresetName = Literal["standard", "aggressive", "lenient"]


class InvalidTenantConfig(DomainError):
    """The overrides do not validate; `errors` lists every problem, not just the first."""

    code = "invalid_tenant_config"

    def __init__(self, errors: list[dict[str, str]]):
        super().__init__("; ".join(f"{e['loc']}: {e['msg']}" for e in errors))
        self.errors = errors


def _within(low: int, high: int) -> msgspec.Meta:
    return msgspec.Meta(ge=low, le=high)


class DunningPolicy(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """How a declined renewal is retried and when the subscription gives up."""

    # Days after the cycle's first failed attempt at which each retry is made.
    retry_offsets_days: Annotated[tuple[int, ...], msgspec.Meta(min_length=1, max_length=10)]
    # Payment attempts per cycle, the first one included.
    max_attempts: Annotated[int, _within(1, 11)]
    # Days after the first failure before the final action, even when retries ran out sooner.
    grace_period_days: Annotated[int, _within(0, 90)]
    final_action: FinalAction

    def __post_init__(self) -> None:
        offsets = self.retry_offsets_days
        if any(o <= 0 for o in offsets) or list(offsets) != sorted(set(offsets)):
            raise ValueError("retry_offsets_days must be positive and strictly ascending")
        if self.max_attempts - 1 > len(offsets):
            raise ValueError(
                f"max_attempts {self.max_attempts} needs {self.max_attempts - 1} retry offsets,"
                f" got {len(offsets)}"
            )

    def retry_offset(self, failed_attempts: int) -> int | None:
        """Days after the first failure of the next retry, or None when attempts are used up."""
        if failed_attempts >= self.max_attempts:
            return None
        return self.retry_offsets_days[failed_attempts - 1]


class EarlyCancelFee(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A fee owed by a subscription cancelled on request before it paid `until_paid_cycles`
    cycles (in the subscription's currency)."""

    amount: Decimal
    until_paid_cycles: Annotated[int, _within(1, 120)]

    def __post_init__(self) -> None:
        amount = self.amount
        if not amount.is_finite() or not 0 < amount <= 100000:
            raise FieldError("amount", "must be greater than 0 and at most 100000")
        exponent = amount.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            raise FieldError("amount", "must have at most 2 decimal places")

    def owed(self, paid_cycles: int) -> Decimal | None:
        return self.amount if paid_cycles < self.until_paid_cycles else None


class B2BSettings(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A store on BigCommerce B2B Edition: buyers' companies are looked up, and what happens
    to a purchase-order subscription whose invoice is overdue."""

    # keep_renewing: the next cycles are invoiced as usual; hold: no new invoice until it is
    # paid; pause: the subscription is paused.
    overdue_action: Literal["keep_renewing", "hold", "pause"] = "keep_renewing"
    # How long a company's place in its hierarchy is trusted before B2B Edition is asked again.
    company_cache_minutes: Annotated[int, _within(1, 1440)] = 15


class TenantConfig(FrozenRecord, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The effective per-store settings the services read. Built only by `effective_config`
    (and as `DEFAULT`), whose conversion checks the bounds."""

    preset: PresetName = "standard"
    dunning: DunningPolicy
    capture_timing: Literal["immediate", "on_fulfillment", "on_ship"] = "immediate"
    # Authorizations older than this are captured early or voided (the auth-expiry sweep).
    auth_window_days: Annotated[int, _within(1, 30)] = 7
    # What the sweep does with an authorization this many hours before it expires.
    auth_expiry_action: Literal["capture", "void"] = "capture"
    auth_expiry_lead_hours: Annotated[int, _within(1, 168)] = 24
    # Order statuses that count as fulfilled for `on_fulfillment` (Shipped, Completed).
    fulfilled_statuses: tuple[int, ...] = (2, 10)
    # A stored card's network transaction id older than this is verified before renewing.
    nti_freshness_days: Annotated[int, _within(1, 3650)] = 365
    # Lifetime of the single-use link a shopper follows to authenticate a payment (3-D Secure).
    action_link_ttl_hours: Annotated[int, _within(1, 720)] = 72
    # The store's contract term; null (the default) disables the guard.
    contract_guard: ContractGuard | None = None
    # Owed by an early cancel on request; null (the default): no fee.
    early_cancel_fee: EarlyCancelFee | None = None
    # A due renewal still unfinished this long after its due time is listed as stuck (the
    # sweep runs every 5 minutes, so a healthy renewal is done within about ten).
    stuck_after_minutes: Annotated[int, _within(15, 10080)] = 60
    # The most of the store's REST quota (shared with every other app it runs) the renewals
    # may use; the sweep paces each store's renewals to it.
    api_share_percent: Annotated[int, _within(10, 90)] = 60
    # Null (the default): the store is not on B2B Edition and no company is ever looked up.
    b2b: B2BSettings | None = None
    # Whether shoppers see their allotment balances in the portal (off: admin-only quotas).
    subscriber_sees_allotments: bool = False
    # Whether a subscription's managers (and organisation admins) may change its card, which
    # is otherwise the payer's alone (`actors.PERMISSIONS`).
    managers_may_change_card: bool = False
    # Whether a shopper's changes wait for an approver, and how long a request waits.
    change_requests: ChangeRequestSettings = ChangeRequestSettings()


PRESETS: dict[str, DunningPolicy] = {
    "standard": DunningPolicy(
        retry_offsets_days=(1, 3, 7), max_attempts=4, grace_period_days=14, final_action="cancel"
    ),
    "aggressive": DunningPolicy(
        retry_offsets_days=(1, 2, 3, 5),
        max_attempts=5,
        grace_period_days=7,
        final_action="cancel",
    ),
    "lenient": DunningPolicy(
        retry_offsets_days=(3, 7, 14, 21),
        max_attempts=5,
        grace_period_days=30,
        final_action="pause",
    ),
}

DEFAULT = TenantConfig(dunning=PRESETS["standard"])


def effective_config(overrides: dict[str, Any] | None) -> TenantConfig:
    """The preset named in `overrides` (standard by default) with the overrides applied."""
    raw = dict(overrides or {})
    preset = raw.get("preset", "standard")
    if preset not in PRESETS:
        raise InvalidTenantConfig(
            [{"loc": "preset", "msg": f"unknown preset {preset!r}; one of {sorted(PRESETS)}"}]
        )
    dunning = raw.get("dunning", {})
    if not isinstance(dunning, dict):
        raise InvalidTenantConfig([{"loc": "dunning", "msg": "must be an object"}])
    raw["dunning"] = {**to_json_data(PRESETS[preset]), **dunning}
    if errors := _field_errors(raw):
        raise InvalidTenantConfig(errors)
    try:
        return from_data(TenantConfig, raw)
    except msgspec.ValidationError as exc:
        raise InvalidTenantConfig([_error(exc)]) from None


def parse_overrides(document: str | bytes) -> dict[str, Any]:
    """A store's overrides from JSON, refused with every error if they do not validate."""
    try:
        raw = json.loads(document)
    except ValueError as exc:
        raise InvalidTenantConfig([{"loc": "", "msg": f"not JSON: {exc}"}]) from None
    if not isinstance(raw, dict):
        raise InvalidTenantConfig([{"loc": "", "msg": "must be a JSON object"}])
    effective_config(raw)
    return raw


# Read without lax coercion, as before: a flag is true or false, never "yes" or 1, and a
# contract's notice period is a number, never a string of digits.
_STRICT = frozenset({"subscriber_sees_allotments", "contract_guard"})


def _field_errors(raw: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"loc": ".".join(str(part) for part in loc), "msg": msg}
        for loc, msg in field_problems(TenantConfig, raw, strict=_STRICT)
    ]


def _error(exc: msgspec.ValidationError) -> dict[str, str]:
    loc, msg = problem_at(exc)
    return {"loc": ".".join(str(part) for part in loc), "msg": msg}
