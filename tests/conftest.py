"""Test-wide settings: fake AWS credentials and the table name, set before any model import."""

import os

# pynamodb reads the table name when the models module is imported (pynamodb issue #287).
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "TABLE_NAME": "bcs-local-table",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_SERVICE_NAME": "bc-subscriptions-test",
        "POWERTOOLS_METRICS_NAMESPACE": "BcSubscriptionsTest",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)

# Every test is held to BigCommerce's contract (the emulator's answers, the endpoints called).
from tests.contract_guard import bc_contract_guard, pytest_terminal_summary  # noqa: F401
