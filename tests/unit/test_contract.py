"""A contract term: its bounds and its notice window."""

from datetime import UTC, datetime

import msgspec
import pytest

from bc_subscriptions.domain.contract import ContractGuard
from bc_subscriptions.domain.record import from_data


@pytest.mark.parametrize(
    "end", ["0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"]
)
def test_a_term_ending_outside_the_bounds_is_refused(end: str) -> None:
    with pytest.raises(msgspec.ValidationError, match="term_end_at"):
        from_data(ContractGuard, {"term_end_at": end, "notice_period_days": 366, "mode": "block"})


def test_a_term_built_in_code_is_checked_too() -> None:
    with pytest.raises(ValueError, match="notice_period_days"):
        ContractGuard(
            term_end_at=datetime(2030, 1, 1, tzinfo=UTC), notice_period_days=367, mode="block"
        )
    with pytest.raises(ValueError, match="term_end_at"):
        ContractGuard(term_end_at=datetime(2030, 1, 1), notice_period_days=3, mode="block")


def test_a_stored_term_near_year_one_gives_an_open_window_instead_of_an_error() -> None:
    # Given a term written before the bounds existed (not validated again)
    term = ContractGuard(
        term_end_at=datetime(2030, 1, 1, tzinfo=UTC), notice_period_days=30, mode="block"
    )
    msgspec.structs.force_setattr(term, "term_end_at", datetime(1, 1, 2, tzinfo=UTC))
    # When / Then its window is open, so a cancel is not held back and nothing raises
    assert term.guards(datetime(2026, 1, 1, tzinfo=UTC)) is False
