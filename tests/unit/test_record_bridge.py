"""A domain record named as a field type by the API's pydantic models: read through msgspec,
shown as the JSON it is stored as, and a bad value refused as pydantic refuses any."""

from datetime import UTC, datetime

import pytest
from pydantic import BaseModel, ValidationError

from bc_subscriptions.domain.company import CompanyMembership
from bc_subscriptions.domain.contract import ContractGuard
from bc_subscriptions.domain.record import field_problems
from bc_subscriptions.domain.tenant_config import TenantConfig


class _View(BaseModel):
    company: CompanyMembership
    contract: ContractGuard | None = None


def test_a_record_field_takes_a_record_or_its_json_and_dumps_its_json() -> None:
    # Given a view built from JSON-like data, and one from records
    from_json = _View.model_validate(
        {
            "company": {"company_id": 5},
            "contract": {
                "term_end_at": "2030-01-01T00:00:00Z",
                "notice_period_days": 9,
                "mode": "block",
            },
        }
    )
    guard = ContractGuard(
        term_end_at=datetime(2030, 1, 1, tzinfo=UTC), notice_period_days=9, mode="block"
    )
    from_records = _View(company=CompanyMembership(company_id=5), contract=guard)
    # Then both hold the same records and dump the stored JSON
    assert from_json == from_records
    assert from_json.model_dump(mode="json") == {
        "company": {"company_id": 5, "parent_company_id": None},
        "contract": {
            "term_end_at": "2030-01-01T00:00:00Z",
            "notice_period_days": 9,
            "mode": "block",
        },
    }


def test_a_record_breaking_its_rule_is_a_pydantic_validation_error() -> None:
    with pytest.raises(ValidationError, match="company_id"):
        _View.model_validate({"company": {"company_id": 0}})


def test_every_field_problem_is_named_not_only_the_first() -> None:
    # Given overrides wrong in two fields, one unknown
    problems = field_problems(
        TenantConfig, {"auth_window_days": 0, "capture_timing": "later", "colour": "red"}
    )
    # Then each is named where it is
    assert [loc for loc, _ in problems] == [("auth_window_days",), ("capture_timing",), ("colour",)]
