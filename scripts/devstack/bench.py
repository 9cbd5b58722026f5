"""`make bench`: the performance budgets of DESIGN.md section 9 that this release can measure."""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import botocore.client
from rich.console import Console
from rich.table import Table

from bc_subscriptions.domain.plan import Cadence, Plan
from bc_subscriptions.domain.schedule import Interval

from . import bench_renewal_day, bench_soak, bench_sweep
from .bench_cold_start import cold_start_rows
from .bench_webhooks import delivery_rows
from .stack import LocalStack

SUBSCRIPTIONS = 50
console = Console()


@contextmanager
def count_aws_calls() -> Iterator[Counter[str]]:
    """Count every AWS API call made through botocore (boto3 and pynamodb alike)."""
    counts: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: Any) -> Any:
        counts[f"{self.meta.service_model.service_name}:{operation}"] += 1
        return original(self, operation, params)

    botocore.client.BaseClient._make_api_call = counting  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]


def _ddb(counts: Counter[str]) -> int:
    return sum(n for k, n in counts.items() if k.startswith("dynamodb:"))


def pipeline_costs(sample: bench_renewal_day.Sample | None = None) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    sample = sample or bench_renewal_day.Sample()
    with LocalStack() as stack:
        stack.install_store("bench")
        stack.add_product("bench", 1, "Beans", "10.00")
        stack.put_plan(
            "bench", Plan(product_id=1, cadences=[Cadence(label="M", interval=Interval.MONTH)])
        )
        emu = stack.emulator
        # One store renewing 50 subscriptions at once would spend most of the run waiting out
        # BigCommerce's 150 requests / 30 s quota; lift it to count calls, not waits.
        emu.rate_limit_quota = 100_000
        # What its workers would learn from the answers: the sweep paces it by that quota.
        from bc_subscriptions.bootstrap import container

        container().api_budgets.record_quota("bench", emu.rate_limit_quota)
        for i in range(SUBSCRIPTIONS):
            c = emu.add_customer("bench", email=f"b{i}@example.com")
            emu.place_checkout_order(
                "bench", customer_id=c.id, lines=[{"product_id": 1, "quantity": 1}]
            )
        emu.reset_calls()
        with count_aws_calls() as aws:
            stack.pump()
        capture_bc = len(emu.calls)
        rows += [
            ("BigCommerce calls per captured order", f"{capture_bc / SUBSCRIPTIONS:.2f}"),
            ("DynamoDB requests per captured order", f"{_ddb(aws) / SUBSCRIPTIONS:.2f}"),
        ]
        stack.advance_clock(timedelta(days=31))
        emu.reset_calls()
        with (
            count_aws_calls() as aws,
            bench_renewal_day.ddb_by_function(stack.runtime, aws) as by_function,
        ):
            stack.fire("RenewalSweepFunction")
            stack.runtime.pump()  # the renewal workflow only; our orders' echoes come next
        workflow = Counter(f"{m} {_shape(p)}" for m, p in emu.calls)
        renewal_bc = len(emu.calls)
        payments = sum(1 for _, p in emu.calls if p.endswith("/payments"))
        sample.rest_calls = (renewal_bc - payments) / SUBSCRIPTIONS
        sample.payment_calls = payments / SUBSCRIPTIONS
        sample.ddb_total = _ddb(aws) / SUBSCRIPTIONS
        sample.ddb_by_function = {f: n / SUBSCRIPTIONS for f, n in by_function.items()}
        with count_aws_calls() as echo_aws:
            echo_deliveries = stack.deliver_bc_webhooks()
        echo_bc = len(emu.calls) - renewal_bc
        rows += [
            ("BigCommerce calls per renewal (workflow)", f"{renewal_bc / SUBSCRIPTIONS:.2f}"),
            (
                "  of which",
                ", ".join(f"{k} x{v // SUBSCRIPTIONS}" for k, v in sorted(workflow.items())),
            ),
            ("DynamoDB requests per renewal", f"{_ddb(aws) / SUBSCRIPTIONS:.2f}"),
            ("order/created echoes of our renewal orders", f"{echo_deliveries} deliveries"),
            ("  DynamoDB requests per echo", f"{_ddb(echo_aws) / max(echo_deliveries, 1):.1f}"),
            ("  BigCommerce calls per echo", f"{echo_bc / max(echo_deliveries, 1):.1f}"),
        ]
    return rows


def _shape(path: str) -> str:
    return "/".join("{id}" if part.isdigit() else part for part in path.split("/")[3:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument(
        "--soak-subscriptions",
        type=int,
        # `make bench SOAK_SUBSCRIPTIONS=N` reaches here through the environment.
        default=int(os.environ.get("SOAK_SUBSCRIPTIONS", bench_soak.SoakConfig.subscriptions)),
        help="subscriptions of the in-memory soak's store (0 skips it)",
    )
    parser.add_argument(
        "--soak-moto-subscriptions",
        type=int,
        default=int(os.environ.get("SOAK_MOTO_SUBSCRIPTIONS", bench_soak.MOTO_SUBSCRIPTIONS)),
        help="subscriptions of the moto-backed soak's store (0 skips it)",
    )
    parser.add_argument("--soak-only", action="store_true", help="run only the soak")
    parser.add_argument(
        "--renewal-day-only",
        action="store_true",
        help="run only the renewal-day simulation, with the calls per renewal assumed",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.renewal_day_only:
        console.print(bench_renewal_day.table(bench_renewal_day.Sample()))
        return 0
    if not args.soak_only:
        table = Table(
            "measure", "value", title=f"bc-subscriptions bench ({SUBSCRIPTIONS} subscriptions)"
        )
        sample = bench_renewal_day.Sample()
        rows = [*pipeline_costs(sample), *bench_sweep.rows(count_aws_calls), *cold_start_rows()]
        for row in [*rows, *delivery_rows()]:
            table.add_row(*row)
        console.print(table)
        console.print(bench_renewal_day.table(sample))
    failed = 0
    if args.soak_subscriptions > 0:
        failed |= bench_soak.main(["--subscriptions", str(args.soak_subscriptions)])
    if args.soak_moto_subscriptions > 0:
        moto = ["--storage", "moto", "--subscriptions", str(args.soak_moto_subscriptions)]
        failed |= bench_soak.main(moto)
    return failed


if __name__ == "__main__":
    sys.exit(main())
