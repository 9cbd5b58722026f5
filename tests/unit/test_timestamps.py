"""The one way an instant is written in events, webhooks and API error bodies."""

from datetime import UTC, datetime, timedelta, timezone

from bc_subscriptions.domain.timestamps import iso_timestamp


def test_a_utc_instant_is_written_with_a_z() -> None:
    assert iso_timestamp(datetime(2026, 1, 31, 12, 0, tzinfo=UTC)) == "2026-01-31T12:00:00Z"


def test_fractions_of_a_second_are_kept() -> None:
    instant = datetime(2024, 2, 29, 23, 59, 59, 250000, tzinfo=UTC)
    assert iso_timestamp(instant) == "2024-02-29T23:59:59.250000Z"


def test_another_offset_is_written_as_given() -> None:
    # Given an instant in UTC+2 (callers pass UTC; this pins that nothing converts silently)
    instant = datetime(2026, 1, 31, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    # Then its offset stays
    assert iso_timestamp(instant) == "2026-01-31T14:00:00+02:00"
