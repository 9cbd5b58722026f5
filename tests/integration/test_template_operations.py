"""Contract tests: template.yaml tells an operator when something goes wrong, and keeps the data."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bc_subscriptions.domain.api_budget import (
    PAYMENTS_LIMIT,
    PAYMENTS_WINDOW_S,
    PLAN_QUOTAS,
    RENEWAL_PAYMENT_CALLS,
    RENEWAL_REST_CALLS,
    REST_WINDOW_S,
    ApiBudget,
)
from bc_subscriptions.entrypoints import pipeline_metrics
from devstack.template import functions, load_template, queues, referenced_id, resources

TEMPLATE = load_template()
FUNCTIONS = functions(TEMPLATE)
ALARMS = resources(TEMPLATE, "AWS::CloudWatch::Alarm")
GLOBAL_ENV = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
NAMESPACE = GLOBAL_ENV["POWERTOOLS_METRICS_NAMESPACE"]
SERVICE = GLOBAL_ENV["POWERTOOLS_SERVICE_NAME"]


def _dead_letter_queues() -> set[str]:
    """Queues that receive what a redrive policy or a stream's on-failure destination parks."""
    dlqs = {spec.redrive[0] for spec in queues(TEMPLATE).values() if spec.redrive}
    for spec in FUNCTIONS.values():
        for event in spec.events:
            on_failure = event.properties.get("DestinationConfig", {}).get("OnFailure", {})
            if (target := referenced_id(on_failure.get("Destination"))) is not None:
                dlqs.add(target)
    return dlqs


def _alarm_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """Every metric an alarm reads, whether a single metric or inside metric math."""
    props = alarm["Properties"]
    if "MetricName" in props:
        return [props]
    return [m["MetricStat"]["Metric"] for m in props["Metrics"] if "MetricStat" in m]


def _alarms_on(namespace: str, metric: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (lid, m)
        for lid, alarm in ALARMS.items()
        for m in _alarm_metrics(alarm)
        if m["Namespace"] == namespace and m["MetricName"] == metric
    ]


def _dimension(metric: dict[str, Any], name: str) -> Any:
    return next(d["Value"] for d in metric["Dimensions"] if d["Name"] == name)


def test_every_dead_letter_queue_has_a_depth_alarm() -> None:
    # Given the queues the template parks failed work in
    dlqs = _dead_letter_queues()
    assert dlqs == {
        "RenewalDLQ",
        "WebhookDeliveryDLQ",
        "OutboxRelayDLQ",
        "BcWebhookDLQ",
        "EntitlementWorkerDLQ",
    }
    # When the alarms on SQS visible messages are read
    watched = {
        referenced_id(_dimension(m, "QueueName"))
        for _, m in _alarms_on("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    }
    # Then each DLQ alarms as soon as one message is there
    assert dlqs <= watched
    for lid, _ in _alarms_on("AWS/SQS", "ApproximateNumberOfMessagesVisible"):
        props = ALARMS[lid]["Properties"]
        assert (props["Threshold"], props["ComparisonOperator"]) == (0, "GreaterThanThreshold")


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_has_an_alarm_on_its_lambda_errors_and_throttles(metric: str) -> None:
    # Given every function of the template
    # When the alarms on that Lambda metric are read
    watched = {
        referenced_id(_dimension(m, "FunctionName")) for _, m in _alarms_on("AWS/Lambda", metric)
    }
    # Then no function is left unwatched
    assert set(FUNCTIONS) - watched == set()


def test_every_alarm_notifies_the_alarm_topic_on_alarm_and_on_recovery() -> None:
    # Given the one topic the deployer subscribes to
    assert list(resources(TEMPLATE, "AWS::SNS::Topic")) == ["AlarmTopic"]
    assert ALARMS
    for lid, alarm in ALARMS.items():
        # When an alarm's actions are read
        props = alarm["Properties"]
        # Then it tells the topic both when it fires and when it clears
        assert [referenced_id(a) for a in props["AlarmActions"]] == ["AlarmTopic"], lid
        assert [referenced_id(a) for a in props["OKActions"]] == ["AlarmTopic"], lid
        # And silence (no traffic, so no data) is not an alarm
        assert props["TreatMissingData"] == "notBreaching", lid


@pytest.mark.parametrize(
    ("alarm_id", "metrics"),
    [
        ("RenewalFailureRateAlarm", {"RenewalPaid", "RenewalDeclined"}),
        ("WebhookFailureRateAlarm", {"WebhookDelivered", "WebhookFailed"}),
        ("StuckWorkflowsAlarm", {"StuckWorkflows"}),
        ("ReconciliationFailuresAlarm", {"ReconciliationFailed"}),
    ],
)
def test_business_alarms_read_metrics_the_handlers_emit_in_the_globals_namespace(
    alarm_id: str, metrics: set[str]
) -> None:
    # Given a business alarm
    read = _alarm_metrics(ALARMS[alarm_id])
    # When its metrics are compared with what the handlers emit
    # Then it reads exactly the expected metrics, each a name the code emits
    assert {m["MetricName"] for m in read} == metrics
    assert metrics <= pipeline_metrics.all_names()
    # And under Powertools' namespace and service dimension, as the EMF lines carry them
    for m in read:
        assert m["Namespace"] == NAMESPACE
        assert m["Dimensions"] == [{"Name": "service", "Value": SERVICE}]


def test_the_dashboard_shows_the_renewal_and_webhook_pipelines_per_hour() -> None:
    # Given the dashboard body, with its substitutions filled in
    (dashboard,) = resources(TEMPLATE, "AWS::CloudWatch::Dashboard").values()
    body = json.loads(
        re.sub(r"\$\{[^}]+\}", "x", dashboard["Properties"]["DashboardBody"]["Fn::Sub"])
    )
    widgets = {w["properties"]["title"]: w["properties"] for w in body["widgets"]}
    # When the two pipeline widgets are read
    renewal = widgets["Renewal pipeline per hour"]
    webhook = widgets["Merchant webhook pipeline per hour"]
    # Then the renewal stages appear in pipeline order, hourly sums, all emitted by the code
    assert [m[1] for m in renewal["metrics"]] == [
        pipeline_metrics.RENEWALS_DUE,
        pipeline_metrics.RENEWAL_CLAIMED,
        pipeline_metrics.RENEWAL_ORDERED,
        pipeline_metrics.RENEWAL_PAID,
        pipeline_metrics.RENEWAL_DECLINED,
        pipeline_metrics.RENEWAL_RETRIED,
    ]
    assert {m[1] for m in webhook["metrics"]} <= pipeline_metrics.all_names()
    for widget in (renewal, webhook):
        assert (widget["stat"], widget["period"]) == ("Sum", 3600)
        assert all(m[0] == NAMESPACE and m[2:4] == ["service", SERVICE] for m in widget["metrics"])


def test_the_table_is_protected_from_deletion_and_kept_with_the_stack() -> None:
    # Given the subscriptions table
    table = TEMPLATE["Resources"]["SubscriptionsTable"]
    # Then neither a stack delete, a replacement nor a direct delete removes it
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert table["Properties"]["DeletionProtectionEnabled"] is True


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_reserves_its_concurrency(logical_id: str) -> None:
    # Given a function
    props = TEMPLATE["Resources"][logical_id]["Properties"]
    reserved = props["ReservedConcurrentExecutions"]
    # Then it has a bounded reservation (the renewal worker's is sized for a renewal day)
    assert 1 <= reserved <= 300
    # And an SQS source never invokes it beyond that (a throttled message spends a receive)
    for event in FUNCTIONS[logical_id].events:
        if event.type == "SQS":
            assert event.properties["ScalingConfig"]["MaximumConcurrency"] == reserved


def test_the_reservations_fit_an_accounts_default_concurrency() -> None:
    # Given an account's default 1,000 concurrent executions, of which AWS keeps 100 unreserved
    reserved = [
        TEMPLATE["Resources"][fid]["Properties"]["ReservedConcurrentExecutions"]
        for fid in FUNCTIONS
    ]
    # Then all our reservations fit in what is left
    assert sum(reserved) <= 900


@pytest.mark.parametrize("quota", sorted(set(PLAN_QUOTAS.values())))
@pytest.mark.parametrize("share_percent", [10, 60, 90])
def test_the_renewal_pace_cannot_outrun_one_stores_payments_quota(
    quota: int, share_percent: int
) -> None:
    # Given BigCommerce's Payments API limit of 50 requests per 4 s per store, and a store of
    # any plan whose tenant setting lets us use any allowed share of its REST quota
    budget = ApiBudget(rest_quota=quota, share=share_percent / 100)
    # When its renewals are paced (however many workers the template allows)
    payments_per_second = budget.renewals_per_second() * RENEWAL_PAYMENT_CALLS
    # Then they stay within that store's Payments quota and within our share of its REST quota
    assert payments_per_second <= PAYMENTS_LIMIT / PAYMENTS_WINDOW_S
    rest_per_second = budget.renewals_per_second() * RENEWAL_REST_CALLS
    assert rest_per_second <= quota * share_percent / 100 / REST_WINDOW_S + 1e-9


def test_the_http_api_throttles_every_route_by_default() -> None:
    # Given the one HTTP API
    (api,) = resources(TEMPLATE, "AWS::Serverless::HttpApi").values()
    settings = api["Properties"]["DefaultRouteSettings"]
    # Then a flood is answered 429 at the edge, with a burst above the steady rate
    assert 0 < settings["ThrottlingRateLimit"] <= settings["ThrottlingBurstLimit"]
