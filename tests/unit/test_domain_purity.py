"""The domain package imports only the stdlib and msgspec (no AWS, HTTP or storage), and never
pydantic: the workers load the domain at cold start."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import bc_subscriptions.domain as domain

ALLOWED_THIRD_PARTY = {"msgspec"}
# The records' bridge to the API's pydantic models imports pydantic only when those ask.
BRIDGE = {"record.py": {"pydantic", "pydantic_core"}}


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
                allowed = ALLOWED_THIRD_PARTY | BRIDGE.get(path.name, set())
                if top not in sys.stdlib_module_names and top not in allowed:
                    offenders.append(f"{path.name}: {name}")
    # Then none reaches outside the stdlib and msgspec
    assert offenders == []


def test_importing_every_domain_module_leaves_pydantic_unloaded() -> None:
    # Given every module of the domain package, imported in a fresh interpreter
    names = sorted(p.stem for p in Path(domain.__file__).parent.glob("*.py"))
    code = (
        "import importlib, json, sys; "
        f"[importlib.import_module('bc_subscriptions.domain.' + n) for n in {names!r}]; "
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('pydantic'))))"
    )
    shared = str(Path(domain.__file__).parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([shared, os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(  # noqa: S603 - this interpreter, importing our own package
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    # Then pydantic is not among the modules loaded
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
