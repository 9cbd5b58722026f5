"""Regenerate the committed contract: `python -m devstack.bc_contract [--docs PATH] [--check]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import CONTRACT_FILE
from .generate import derive, render

DEFAULT_DOCS = Path("../shared/reference/bigcommerce-docs")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS, help="BigCommerce docs checkout")
    parser.add_argument("--out", type=Path, default=CONTRACT_FILE, help="where to write")
    parser.add_argument(
        "--check", action="store_true", help="only report whether the file is up to date"
    )
    args = parser.parse_args(argv)
    text = render(derive(args.docs))
    current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    if args.check:
        print("up to date" if text == current else f"{args.out} is stale")
        return 0 if text == current else 1
    args.out.write_text(text, encoding="utf-8")
    endpoints = text.count('"method":')
    print(f"wrote {args.out} ({endpoints} endpoints)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
