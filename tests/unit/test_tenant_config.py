"""Tenant config: presets, per-store overrides, and every validation error reported at once."""

import json
from decimal import Decimal

import pytest

from bc_subscriptions.domain.tenant_config import (
    PRESETS,
    InvalidTenantConfig,
    effective_config,
    parse_overrides,
)


def test_without_overrides_a_store_gets_the_standard_preset_and_documented_defaults() -> None:
    # Given / When
    config = effective_config(None)
    # Then
    assert config.preset == "standard"
    assert config.dunning == PRESETS["standard"]
    assert config.capture_timing == "immediate"
    assert config.auth_window_days == 7
    assert config.nti_freshness_days == 365


@pytest.mark.parametrize("preset", ["standard", "aggressive", "lenient"])
def test_each_preset_is_a_valid_policy(preset: str) -> None:
    # Given / When
    config = effective_config({"preset": preset})
    # Then
    assert config.dunning == PRESETS[preset]
    assert config.dunning.max_attempts - 1 <= len(config.dunning.retry_offsets_days)


def test_the_presets_differ_in_how_hard_they_chase() -> None:
    # Given / When / Then
    assert PRESETS["aggressive"].grace_period_days < PRESETS["standard"].grace_period_days
    assert PRESETS["lenient"].grace_period_days > PRESETS["standard"].grace_period_days
    assert PRESETS["lenient"].final_action == "pause"
    assert PRESETS["standard"].final_action == "cancel"


def test_an_override_changes_only_the_fields_it_names() -> None:
    # Given
    raw = '{"preset": "lenient", "dunning": {"max_attempts": 3}, "nti_freshness_days": 180}'
    # When
    config = effective_config(parse_overrides(raw))
    # Then
    assert config.dunning.max_attempts == 3
    assert config.dunning.retry_offsets_days == PRESETS["lenient"].retry_offsets_days
    assert config.dunning.final_action == "pause"
    assert config.nti_freshness_days == 180


def test_invalid_overrides_are_refused_with_every_error() -> None:
    # Given two wrong fields and an unknown one
    raw = '{"capture_timing": "later", "auth_window_days": 0, "colour": "red"}'
    # When
    with pytest.raises(InvalidTenantConfig) as refused:
        parse_overrides(raw)
    # Then
    assert refused.value.code == "invalid_tenant_config"
    assert {e["loc"] for e in refused.value.errors} == {
        "capture_timing",
        "auth_window_days",
        "colour",
    }


@pytest.mark.parametrize(
    ("raw", "loc"),
    [
        ("not json", ""),
        ("[1, 2]", ""),
        ('{"preset": "gentle"}', "preset"),
        ('{"dunning": 3}', "dunning"),
        ('{"dunning": {"retry_offsets_days": [3, 1]}}', "dunning"),
        ('{"dunning": {"max_attempts": 9}}', "dunning"),
        ('{"dunning": {"final_action": "refund"}}', "dunning.final_action"),
    ],
)
def test_malformed_documents_name_where_they_are_wrong(raw: str, loc: str) -> None:
    # Given / When
    with pytest.raises(InvalidTenantConfig) as refused:
        parse_overrides(raw)
    # Then
    assert [e["loc"] for e in refused.value.errors] == [loc]


def test_the_contract_guard_is_off_by_default_and_opens_its_window_before_the_term_ends() -> None:
    # Given / When
    config = effective_config(
        {
            "contract_guard": {
                "term_end_at": "2027-01-31T00:00:00Z",
                "notice_period_days": 30,
                "mode": "block",
            }
        }
    )
    # Then
    assert effective_config(None).contract_guard is None
    assert config.contract_guard is not None
    assert config.contract_guard.window_opens_at.isoformat() == "2027-01-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("guard", "field"),
    [
        (
            {"term_end_at": "2027-01-31T00:00:00", "notice_period_days": 1, "mode": "block"},
            "term_end_at",
        ),
        (
            {"term_end_at": "2027-01-31T00:00:00Z", "notice_period_days": -1, "mode": "block"},
            "notice_period_days",
        ),
        ({"term_end_at": "2027-01-31T00:00:00Z", "notice_period_days": 1, "mode": "warn"}, "mode"),
        ({"term_end_at": "2027-01-31T00:00:00Z", "mode": "route"}, "notice_period_days"),
    ],
)
def test_an_invalid_contract_guard_is_refused_naming_the_field(
    guard: dict[str, object], field: str
) -> None:
    # When
    with pytest.raises(InvalidTenantConfig) as refused:
        effective_config({"contract_guard": guard})
    # Then
    assert [e["loc"] for e in refused.value.errors] == [f"contract_guard.{field}"]


def test_an_early_cancel_fee_is_owed_only_before_its_paid_cycles() -> None:
    # Given
    config = effective_config({"early_cancel_fee": {"amount": "25.00", "until_paid_cycles": 3}})
    fee = config.early_cancel_fee
    # Then
    assert effective_config(None).early_cancel_fee is None
    assert fee is not None
    assert [fee.owed(paid) for paid in (0, 1, 2, 3, 4)] == [Decimal("25.00")] * 3 + [None, None]


@pytest.mark.parametrize(
    ("fee", "field"),
    [
        ({"amount": "0", "until_paid_cycles": 3}, "amount"),
        ({"amount": "1.001", "until_paid_cycles": 3}, "amount"),
        ({"amount": "5", "until_paid_cycles": 0}, "until_paid_cycles"),
        ({"amount": "5"}, "until_paid_cycles"),
    ],
)
def test_an_invalid_early_cancel_fee_is_refused_naming_the_field(
    fee: dict[str, object], field: str
) -> None:
    # When
    with pytest.raises(InvalidTenantConfig) as refused:
        effective_config({"early_cancel_fee": fee})
    # Then
    assert [e["loc"] for e in refused.value.errors] == [f"early_cancel_fee.{field}"]


def test_stuck_workflows_are_flagged_after_an_hour_unless_the_store_says_otherwise() -> None:
    # Given / When / Then
    assert effective_config(None).stuck_after_minutes == 60
    assert effective_config({"stuck_after_minutes": 240}).stuck_after_minutes == 240


@pytest.mark.parametrize("minutes", [0, 14, 10081, "soon"])
def test_a_stuck_threshold_shorter_than_a_few_sweeps_or_longer_than_a_week_is_refused(
    minutes: object,
) -> None:
    # Given a threshold under three 5-minute sweeps, over a week, or not a number
    # When
    with pytest.raises(InvalidTenantConfig) as refused:
        parse_overrides(json.dumps({"stuck_after_minutes": minutes}))
    # Then
    assert [e["loc"] for e in refused.value.errors] == ["stuck_after_minutes"]


def test_renewals_use_at_most_sixty_percent_of_the_quota_unless_the_store_says_otherwise() -> None:
    # Given / When / Then
    assert effective_config(None).api_share_percent == 60
    assert effective_config({"api_share_percent": 30}).api_share_percent == 30


@pytest.mark.parametrize("percent", [0, 9, 91, 100, "most"])
def test_an_api_share_that_starves_the_renewals_or_the_other_apps_is_refused(
    percent: object,
) -> None:
    # Given a share under 10% (renewals would crawl), over 90% (other apps starve) or no number
    # When
    with pytest.raises(InvalidTenantConfig) as refused:
        parse_overrides(json.dumps({"api_share_percent": percent}))
    # Then
    assert [e["loc"] for e in refused.value.errors] == ["api_share_percent"]
