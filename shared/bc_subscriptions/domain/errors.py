"""Domain exceptions: each names the rule that refused the change."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every rule violation; `code` is the machine-readable reason."""

    code = "domain_error"


class InvalidTransition(DomainError):
    """The lifecycle does not allow this command in the current state."""

    code = "invalid_transition"

    def __init__(self, status: str, command: str):
        super().__init__(f"cannot {command} a subscription that is {status}")
        self.status = status
        self.command = command


class InvalidPlan(DomainError):
    """A product's plan document does not validate."""

    code = "invalid_plan"


class NothingToRetry(DomainError):
    """No scheduled payment retry to bring forward (not past due, or the shopper must act)."""

    code = "nothing_to_retry"

    def __init__(self, status: str):
        super().__init__(f"a subscription that is {status} has no payment retry waiting")
