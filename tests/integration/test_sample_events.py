"""Every function has a sample event in events/, and runs on it through the local runtime."""

import json
from pathlib import Path

import pytest

from devstack.stack import LocalStack
from devstack.template import REPO_ROOT, functions, load_template

FUNCTIONS = functions(load_template())


def _sample(logical_id: str) -> dict:
    folder = Path(FUNCTIONS[logical_id].code_uri).name
    return json.loads((REPO_ROOT / "events" / f"{folder}.json").read_text())


@pytest.mark.parametrize("logical_id", sorted(FUNCTIONS))
def test_every_function_has_a_sample_event(logical_id: str) -> None:
    # Given / When / Then
    assert _sample(logical_id)


@pytest.mark.parametrize(
    ("logical_id", "status"),
    [
        ("OrderCreatedFunction", 401),  # the sample's signature is a placeholder: refused
        ("ShipmentCreatedFunction", 401),  # placeholder signature too
        ("OrderStatusUpdatedFunction", 401),  # placeholder signature too
        ("AppUninstalledFunction", 401),  # placeholder signature too
        ("CustomerDeletedFunction", 401),  # placeholder signature too
        ("DefaultInstrumentUpdatedFunction", 401),  # placeholder signature too
        ("OrderRefundCreatedFunction", 401),  # placeholder signature too
        ("OrderTransactionCreatedFunction", 401),
        ("AppLifecycleFunction", 401),  # the sample's code was never issued: BigCommerce refuses it
        ("AdminApiFunction", 401),  # the sample carries no session token
        ("PortalApiFunction", 401),  # no current-customer token either
    ],
)
def test_http_samples_get_their_documented_answer(
    stack: LocalStack, logical_id: str, status: int
) -> None:
    # Given / When
    reply = stack.runtime.invoke(logical_id, _sample(logical_id))
    # Then
    assert reply["statusCode"] == status
    assert "error" in json.loads(reply["body"])


@pytest.mark.parametrize("sample_name", ["app_lifecycle_uninstall", "app_lifecycle_remove_user"])
def test_the_uninstall_and_remove_user_samples_are_refused_for_their_placeholder_signature(
    stack: LocalStack, sample_name: str
) -> None:
    # Given / When
    sample = json.loads((REPO_ROOT / "events" / f"{sample_name}.json").read_text())
    reply = stack.runtime.invoke("AppLifecycleFunction", sample)
    # Then
    assert reply["statusCode"] == 401
    assert json.loads(reply["body"])["error"] == "invalid_signed_payload"


def test_the_sweep_sample_runs_and_finds_nothing_due_in_an_empty_store(stack: LocalStack) -> None:
    # Given / When
    result = stack.runtime.invoke("RenewalSweepFunction", _sample("RenewalSweepFunction"))
    # Then
    assert result == {
        "enqueued": 0,
        "stores": 0,
        "complete": True,
        "overdue": 0,
        "failed_stores": 0,
    }


def test_a_sweep_input_without_a_schedule_time_is_refused(stack: LocalStack) -> None:
    # Given / When / Then
    with pytest.raises(Exception, match="scheduled_time"):
        stack.runtime.invoke(
            "RenewalSweepFunction", {"schedule": "renewal-sweep", "execution_id": "x"}
        )


def test_the_worker_sample_fails_its_record_for_an_unknown_subscription(stack: LocalStack) -> None:
    # Given / When
    sample = _sample("RenewalWorkerFunction")
    reply = stack.runtime.invoke("RenewalWorkerFunction", sample)
    # Then its only record is reported failed (SQS retries it), without failing the function
    [record] = sample["Records"]
    assert reply == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}


def test_the_relay_and_delivery_samples_run_without_endpoints(stack: LocalStack) -> None:
    # Given / When / Then
    assert stack.runtime.invoke("OutboxRelayFunction", _sample("OutboxRelayFunction")) == {
        "batchItemFailures": []
    }
    assert stack.runtime.invoke("MerchantWebhookFunction", _sample("MerchantWebhookFunction")) == {
        "batchItemFailures": []
    }


def test_the_catch_up_sample_runs_and_finds_nothing_pending(stack: LocalStack) -> None:
    # Given / When / Then
    result = stack.runtime.invoke("OutboxCatchUpFunction", _sample("OutboxCatchUpFunction"))
    assert result == {"relayed": 0, "complete": True, "failed": 0}


def test_the_reconciliation_sample_runs_and_finds_no_installed_store(stack: LocalStack) -> None:
    # Given / When
    result = stack.runtime.invoke(
        "ReconciliationSweepFunction", _sample("ReconciliationSweepFunction")
    )
    # Then
    assert (result["stores"], result["orders_seen"], result["complete"]) == (0, 0, True)


def test_the_auth_expiry_sample_runs_and_finds_no_authorization(stack: LocalStack) -> None:
    # Given / When / Then (nor any change request to expire)
    assert stack.runtime.invoke("AuthExpirySweepFunction", _sample("AuthExpirySweepFunction")) == {
        "seen": 0,
        "change_requests_expired": 0,
    }
