"""The admin API's OpenAPI document, written to web/admin/openapi.json for the app's types.

`python -m devstack.admin_openapi` rewrites it from what the API serves; `--check` fails when
it is out of date. `npm run api-types` in web/admin then regenerates the TypeScript from it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .template import REPO_ROOT

DOCUMENT = REPO_ROOT / "web" / "admin" / "openapi.json"


def rendered(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def served_document() -> dict[str, Any]:
    """The document as the deployed API serves it (`GET /admin/openapi.json`)."""
    from .stack import LocalStack

    with LocalStack() as stack:
        reply = stack.runtime.http("GET", "/admin/openapi.json")
        assert reply.status == 200, reply.body
        document: dict[str, Any] = reply.json()
        return document


def main(argv: list[str]) -> int:
    current = rendered(served_document())
    if "--check" in argv:
        if DOCUMENT.read_text(encoding="utf-8") != current:
            print(f"{DOCUMENT.relative_to(REPO_ROOT)} is out of date", file=sys.stderr)
            return 1
        return 0
    DOCUMENT.write_text(current, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
