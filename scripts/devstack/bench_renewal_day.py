"""`make bench`'s renewal-day table: 100,000 renewals of a Pro store and 1,000 of each of 99
Standard stores due the same minute, on virtual time (see `renewal_day` for what is real)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from rich.table import Table

from bc_subscriptions.domain.api_budget import (
    RENEWAL_PAYMENT_CALLS,
    RENEWAL_REST_CALLS,
    ApiBudget,
)

from .renewal_day import DayConfig, DayResult, RenewalDay
from .template import load_template

BIG, SMALL, SMALL_STORES = 100_000, 1_000, 99
WITHIN_FLOOR = 1.15
TODAY_DDB_PER_RENEWAL = 23.2  # the whole pipeline, before this release


@dataclass
class Sample:
    """What the real workflow did per renewal in the bench's sample run (None: not measured)."""

    rest_calls: float | None = None
    payment_calls: float | None = None
    ddb_total: float | None = None
    ddb_by_function: dict[str, float] | None = None


@contextmanager
def ddb_by_function(runtime: Any, aws: Counter[str]) -> Iterator[Counter[str]]:
    """DynamoDB requests made inside each function's invocations (the runtime runs one at a
    time), read off the live AWS call counter."""
    by_function: Counter[str] = Counter()
    original = runtime.invoke

    def invoke(logical_id: str, event: dict[str, Any]) -> Any:
        before = _ddb(aws)
        try:
            return original(logical_id, event)
        finally:
            by_function[logical_id] += _ddb(aws) - before

    runtime.invoke = invoke
    try:
        yield by_function
    finally:
        runtime.invoke = original


def _ddb(counts: Counter[str]) -> int:
    return sum(n for k, n in counts.items() if k.startswith("dynamodb:"))


def worker_settings() -> dict[str, int]:
    """The renewal worker's concurrency cap, batch size and the queue's visibility timeout."""
    resources = load_template()["Resources"]
    worker = resources["RenewalWorkerFunction"]["Properties"]
    source = worker["Events"]["Renewals"]["Properties"]
    return {
        "concurrency": int(source["ScalingConfig"]["MaximumConcurrency"]),
        "batch_size": int(source.get("BatchSize", 10)),
        "visibility_s": int(resources["RenewalQueue"]["Properties"]["VisibilityTimeout"]),
    }


def day_config(sample: Sample) -> DayConfig:
    smalls = [(f"std{i}", "standard", SMALL) for i in range(SMALL_STORES)]
    stores = (("pro0", "pro", BIG), *smalls)
    return DayConfig(
        stores=stores,
        rest_calls=round(sample.rest_calls or RENEWAL_REST_CALLS),
        payment_calls=round(sample.payment_calls or RENEWAL_PAYMENT_CALLS),
        **worker_settings(),
    )


def table(sample: Sample) -> Table:
    cfg = day_config(sample)
    started = time.perf_counter()
    result = RenewalDay(cfg).run()
    crowded = RenewalDay(replace(cfg, stores=cfg.stores[:1], other_apps_share=0.5)).run()
    took = time.perf_counter() - started
    out = Table(
        "measure",
        "value",
        "goal",
        "met",
        title=(
            f"renewal day: {BIG:,} due at a Pro store + {SMALL_STORES} Standard stores x"
            f" {SMALL:,}, virtual time ({took:.0f} s to simulate)"
        ),
    )
    for row in _rows(cfg, sample, result, crowded):
        out.add_row(*row)
    return out


def _rows(
    cfg: DayConfig, sample: Sample, result: DayResult, crowded: DayResult
) -> list[tuple[str, str, str, str]]:
    measured = "measured" if sample.rest_calls is not None else "assumed, not measured"
    big = ApiBudget(rest_quota=450, share=cfg.share)
    small = ApiBudget(rest_quota=150, share=cfg.share)
    big_floor = big.floor_s(BIG, cfg.rest_calls, cfg.payment_calls)
    small_floor = small.floor_s(SMALL, cfg.rest_calls, cfg.payment_calls)
    big_done = result.finished_s["pro0"]
    small_done = max(v for k, v in result.finished_s.items() if k != "pro0")
    share_429 = result.rate_limited / max(result.calls, 1)
    crowded_429 = crowded.rate_limited / max(crowded.calls, 1)
    rows = [
        (
            "calls per renewal (REST + payments)",
            f"{cfg.rest_calls} + {cfg.payment_calls} ({measured})",
            "",
            "",
        ),
        (
            "Pro store: 100,000 renewals done after",
            f"{_hours(big_done)} = {big_done / big_floor:.3f}x floor {_hours(big_floor)}",
            f"<= {WITHIN_FLOOR}x floor",
            _met(big_done <= WITHIN_FLOOR * big_floor),
        ),
        (
            "  its floor",
            f"REST {big.rest_per_second():.1f}/s at {cfg.share:.0%} of 450 per 30 s;"
            f" payments {50 / 4:.1f}/s",
            "",
            "",
        ),
        (
            "Standard stores: last one done after",
            f"{small_done:,.0f} s = {small_done / small_floor:.3f}x floor {small_floor:,.0f} s",
            f"<= {WITHIN_FLOOR}x floor, each",
            _met(small_done <= WITHIN_FLOOR * small_floor),
        ),
        (
            "429s as a share of our calls",
            f"{share_429:.3%} ({result.rate_limited:,} of {result.calls:,})",
            "< 1%",
            _met(share_429 < 0.01),
        ),
        (
            "  other apps' calls refused (they use 30% of each quota)",
            f"{result.others_429:,} of {result.others_calls:,}",
            "",
            "",
        ),
        (
            "  other apps at 50% (more than we leave): our 429s",
            f"{crowded_429:.3%}; Pro store done at"
            f" {crowded.finished_s['pro0'] / big_floor:.2f}x floor",
            "(beyond the goals)",
            "",
        ),
        (
            "Lambda concurrency used (peak)",
            f"{result.peak_concurrency} of the cap {cfg.concurrency}",
            "",
            "",
        ),
        (
            "  messages: duplicates / returned after a failure",
            f"{result.duplicates:,} / {result.returned:,} (sweeps: {result.sweeps})",
            "",
            "",
        ),
    ]
    if sample.ddb_total is not None:
        rows.append(
            (
                "DynamoDB requests per renewal (pipeline)",
                f"{sample.ddb_total:.1f}",
                f"below {TODAY_DDB_PER_RENEWAL}",
                _met(sample.ddb_total < TODAY_DDB_PER_RENEWAL),
            )
        )
        for fid, n in sorted((sample.ddb_by_function or {}).items()):
            rows.append((f"  in {fid}", f"{n:.1f}", "", ""))
    return rows


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.2f} h"


def _met(ok: bool) -> str:
    return "yes" if ok else "NO"
