"""`scripts/invoke <LogicalId> <event.json>`: run one function like `sam local invoke`.

The function runs in this process with the template's handler and environment; its AWS and
BigCommerce calls go to the embedded local stack (moto and the emulator) started for the call.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .stack import LocalStack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/invoke", description=__doc__)
    parser.add_argument(
        "logical_id", help="function logical id in template.yaml, e.g. RenewalSweepFunction"
    )
    parser.add_argument("event", type=Path, help="event JSON file, e.g. events/renewal_sweep.json")
    args = parser.parse_args(argv)
    event = json.loads(args.event.read_text())
    with LocalStack() as stack:
        if args.logical_id not in stack.runtime.functions:
            known = ", ".join(sorted(stack.runtime.functions))
            parser.error(f"unknown function {args.logical_id}; known: {known}")
        result = stack.runtime.invoke(args.logical_id, event)
    print(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
