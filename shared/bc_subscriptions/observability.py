"""Powertools singletons; service name and namespace come from POWERTOOLS_* variables.

No Powertools Tracer: its X-Ray SDK recorder costs more at import than boto3 itself, on every
cold start of every function. Lambda's active tracing (`Tracing: Active` in the template) still
records each invocation, its cold start and the SQS hops; the README says what that leaves out.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger()
metrics = Metrics()
