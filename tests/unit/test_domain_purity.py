"""The domain package imports only the stdlib and pydantic (no AWS, HTTP or storage)."""

import ast
import sys
from pathlib import Path

import bc_subscriptions.domain as domain

ALLOWED_THIRD_PARTY = {"pydantic"}


def test_domain_modules_import_nothing_that_does_io() -> None:
    # Given every module of the domain package
    offenders = []
    for path in Path(domain.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        # When we collect their absolute imports
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ALLOWED_THIRD_PARTY:
                    offenders.append(f"{path.name}: {name}")
    # Then none reaches outside the stdlib and pydantic
    assert offenders == []
