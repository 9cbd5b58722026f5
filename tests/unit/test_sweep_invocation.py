"""The input our schedules send each sweep: read as sent, refused when it is not ours."""

from datetime import UTC, datetime

import pytest

from bc_subscriptions.entrypoints.sweeps import InvalidSweepInvocation, SweepInvocation

SENT = {"schedule": "renewal-sweep", "scheduled_time": "2026-12-01T10:00:00Z", "execution_id": "e"}


def test_the_scheduled_time_is_read_in_utc() -> None:
    invocation = SweepInvocation.from_event(SENT)
    assert invocation == SweepInvocation(
        "renewal-sweep", datetime(2026, 12, 1, 10, 0, tzinfo=UTC), "e"
    )


@pytest.mark.parametrize(
    ("members", "named"),
    [
        ({"scheduled_time": None}, "scheduled_time"),
        ({"scheduled_time": "yesterday"}, "scheduled_time"),
        ({"scheduled_time": 1764583200}, "scheduled_time"),
        ({"schedule": ""}, "schedule"),
        ({"execution_id": 7}, "execution_id"),
    ],
)
def test_an_input_our_schedules_never_send_is_refused(
    members: dict[str, object], named: str
) -> None:
    with pytest.raises(InvalidSweepInvocation, match=named):
        SweepInvocation.from_event(SENT | members)
