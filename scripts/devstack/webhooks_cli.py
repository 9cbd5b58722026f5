"""`scripts/webhooks`: merchant webhook endpoints, their delivery log, and replay.

Runs against the table, queue and key named by the environment (as the functions read it:
TABLE_NAME, WEBHOOK_DELIVERY_QUEUE_URL, TOKEN_KEY_ID, AWS credentials), or with `--local`
against the stack `make dev` is running.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from .template import REPO_ROOT

DEV_STATE = REPO_ROOT / ".local" / "dev.json"
# Piped or captured output keeps whole ids instead of wrapping them to 80 columns.
console = Console() if sys.stdout.isatty() else Console(width=200)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/webhooks", description=__doc__)
    parser.add_argument("--store", required=True, help="store hash")
    parser.add_argument("--local", action="store_true", help="use the `make dev` stack")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the store's endpoints")
    add = sub.add_parser("add", help="register an endpoint; prints its secret once")
    add.add_argument("url")
    add.add_argument("--type", action="append", default=[], help="event type (repeatable)")
    add.add_argument("--description", default="")
    for name, text in (
        ("rotate", "new secret; the old one keeps signing for 24 h"),
        ("disable", "stop deliveries"),
    ):
        sub.add_parser(name, help=text).add_argument("endpoint_id")
    enable = sub.add_parser("enable", help="resume deliveries, optionally replaying what it missed")
    enable.add_argument("endpoint_id")
    enable.add_argument("--replay", action="store_true", help="replay the missed window")
    log = sub.add_parser("log", help="latest delivery attempts, newest first")
    log.add_argument("endpoint_id")
    log.add_argument("--limit", type=int, default=50)
    replay = sub.add_parser("replay", help="send events again with their original webhook-id")
    replay.add_argument("endpoint_id")
    replay.add_argument("--event", action="append", default=[], help="event id (repeatable)")
    replay.add_argument("--since", type=datetime.fromisoformat)
    replay.add_argument("--until", type=datetime.fromisoformat)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.local:
        os.environ.update(json.loads(DEV_STATE.read_text())["env"])
    from bc_subscriptions.services.endpoints import EndpointNotFound, InvalidEndpoint
    from bc_subscriptions.services.webhook_replay import ReplayRefused

    try:
        _run(args)
    except InvalidEndpoint as exc:
        console.print(f"[red]refused:[/red] {'; '.join(exc.errors)}")
        return 2
    except EndpointNotFound as exc:
        console.print(f"[red]no endpoint {exc} in store {args.store}[/red]")
        return 2
    except ReplayRefused as exc:
        console.print(f"[red]{exc.code}:[/red] {exc}")
        return 2
    return 0


def _run(args: argparse.Namespace) -> None:
    from bc_subscriptions.bootstrap import container
    from bc_subscriptions.services import endpoints as svc

    c, store = container(), args.store
    now = c.clock.now()
    if args.command == "list":
        _print_endpoints(c.endpoints.list(store))
    elif args.command == "add":
        added = svc.register_endpoint(
            store,
            args.url,
            frozenset(args.type),
            endpoints=c.endpoints,
            vault=c.vault,
            new_id=lambda: c.new_id("ep"),
            description=args.description,
            local_mode=c.settings.local_mode,
        )
        console.print(f"{added.endpoint.endpoint_id}  secret (shown once): {added.secret}")
    elif args.command == "rotate":
        rotated = svc.rotate_secret(
            store, args.endpoint_id, endpoints=c.endpoints, vault=c.vault, now=now
        )
        console.print(f"new secret (shown once): {rotated.secret}; the old one signs for 24 h")
    elif args.command == "disable":
        svc.disable_endpoint(store, args.endpoint_id, endpoints=c.endpoints, now=now)
        console.print("disabled")
    elif args.command == "enable":
        _enable(args, now)
    elif args.command == "log":
        _print_log(c.delivery_log.list(store, args.endpoint_id, args.limit))
    elif args.command == "replay":
        _replay(args)


def _enable(args: argparse.Namespace, now: datetime) -> None:
    from bc_subscriptions.bootstrap import container
    from bc_subscriptions.services.endpoints import enable_endpoint
    from bc_subscriptions.services.webhook_replay import replay_range

    c = container()
    offer = enable_endpoint(args.store, args.endpoint_id, endpoints=c.endpoints, now=now)
    if offer is None:
        console.print("already enabled")
        return
    console.print(f"enabled; it may have missed events from {offer.since:%Y-%m-%d %H:%M} UTC")
    if args.replay:
        result = replay_range(
            args.store,
            args.endpoint_id,
            offer.since,
            offer.until,
            endpoints=c.endpoints,
            events=c.event_log,
            queue=c.webhook_queue,
        )
        console.print(f"replaying {result.queued} events")
    else:
        console.print(
            f"replay them with: scripts/webhooks --store {args.store} replay "
            f"{args.endpoint_id} --since {offer.since:%Y-%m-%dT%H:%M:%S%z} "
            f"--until {offer.until:%Y-%m-%dT%H:%M:%S%z}"
        )


def _replay(args: argparse.Namespace) -> None:
    from bc_subscriptions.bootstrap import container
    from bc_subscriptions.services.webhook_replay import replay_events, replay_range

    c = container()
    deps: dict[str, Any] = {
        "endpoints": c.endpoints,
        "events": c.event_log,
        "queue": c.webhook_queue,
    }
    if args.event:
        result = replay_events(args.store, args.endpoint_id, args.event, **deps)
    elif args.since and args.until:
        result = replay_range(args.store, args.endpoint_id, args.since, args.until, **deps)
    else:
        raise SystemExit("replay needs --event ID (repeatable) or --since and --until")
    console.print(
        f"queued {result.queued}; not subscribed {result.not_subscribed}; "
        f"unknown {', '.join(result.unknown) or 'none'}"
    )


def _print_endpoints(endpoints: list[Any]) -> None:
    table = Table("endpoint", "url", "enabled", "events", "failing since", "disabled")
    for e in endpoints:
        table.add_row(
            e.endpoint_id,
            e.url,
            "yes" if e.enabled else "no",
            ",".join(sorted(e.event_types)),
            f"{e.failing_since:%Y-%m-%d %H:%M}" if e.failing_since else "",
            e.disabled_reason or "",
        )
    console.print(table)


def _print_log(attempts: list[Any]) -> None:
    table = Table("at", "event", "type", "try", "outcome", "status", "ms", "next", "answer")
    for a in attempts:
        table.add_row(
            f"{a.attempted_at:%m-%d %H:%M:%S}",
            a.event_id,
            a.event_type,
            str(a.attempt),
            a.outcome,
            str(a.status_code or ""),
            str(a.latency_ms),
            f"{a.next_attempt_at:%m-%d %H:%M:%S}" if a.next_attempt_at else "",
            a.response_excerpt[:40],
        )
    console.print(table)


if __name__ == "__main__":
    sys.exit(main())
