"""Each business outcome adds exactly its metrics to the renewal and webhook pipelines."""

import pytest

from bc_subscriptions.entrypoints.pipeline_metrics import (
    RENEWAL_CLAIMED,
    RENEWAL_DECLINED,
    RENEWAL_ORDERED,
    RENEWAL_PAID,
    RENEWAL_RETRIED,
    WEBHOOK_DELIVERED,
    WEBHOOK_FAILED,
    WEBHOOK_PARKED,
    all_names,
    renewal_metrics,
    webhook_metrics,
)


def test_a_first_paid_renewal_is_claimed_ordered_and_paid() -> None:
    # Given / When / Then
    assert renewal_metrics("renewed", {"ordered", "claimed"}) == [
        RENEWAL_CLAIMED,
        RENEWAL_ORDERED,
        RENEWAL_PAID,
    ]


def test_a_declined_dunning_retry_counts_as_retried_and_declined_without_a_new_order() -> None:
    # Given / When / Then
    assert renewal_metrics("payment_failed", {"claimed", "retried"}) == [
        RENEWAL_CLAIMED,
        RENEWAL_RETRIED,
        RENEWAL_DECLINED,
    ]


@pytest.mark.parametrize("outcome", ["not_due", "already_done", "paused", "cancelled"])
def test_a_run_with_nothing_to_do_adds_nothing(outcome: str) -> None:
    # Given / When / Then
    assert renewal_metrics(outcome, ()) == []


@pytest.mark.parametrize(
    ("outcome", "names"),
    [
        ("delivered", (WEBHOOK_DELIVERED,)),
        ("retrying", (WEBHOOK_FAILED,)),
        ("failed", (WEBHOOK_FAILED, WEBHOOK_PARKED)),
        ("disabled", (WEBHOOK_FAILED,)),
        ("skipped", ()),
    ],
)
def test_each_delivery_attempt_outcome_has_its_metrics(outcome: str, names: tuple[str]) -> None:
    # Given / When / Then
    assert webhook_metrics(outcome) == names


def test_every_metric_name_is_listed_once_and_is_cloudwatch_safe() -> None:
    # Given / When
    names = all_names()
    # Then the alarms' and dashboard's names are all there, as plain identifiers
    assert {RENEWAL_PAID, RENEWAL_DECLINED, WEBHOOK_DELIVERED, WEBHOOK_FAILED} <= names
    assert all(name.isidentifier() for name in names)
