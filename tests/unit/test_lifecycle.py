"""The lifecycle resolver allows exactly the transitions in its table."""

import itertools

import pytest

from bc_subscriptions.domain.errors import InvalidTransition
from bc_subscriptions.domain.lifecycle import TRANSITIONS, Command, Status, resolve


@pytest.mark.parametrize(("status", "command"), list(itertools.product(Status, Command)))
def test_every_pair_either_resolves_per_the_table_or_is_refused(
    status: Status, command: Command
) -> None:
    # Given any status and any command
    expected = TRANSITIONS.get((status, command))
    # When / Then
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            resolve(status, command)
        assert refused.value.code == "invalid_transition"
    else:
        assert resolve(status, command) is expected


def test_terminal_states_accept_no_command() -> None:
    # Given / When / Then
    for status, command in itertools.product((Status.CANCELLED, Status.EXPIRED), Command):
        with pytest.raises(InvalidTransition):
            resolve(status, command)


def test_a_successful_renewal_recovers_a_past_due_subscription() -> None:
    # Given / When / Then
    assert resolve(Status.PAST_DUE, Command.RECORD_RENEWAL) is Status.ACTIVE
