"""Cold start for `make bench`: each handler's import against `import boto3`, in a fresh
interpreter that sees only what the layers ship."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .template import REPO_ROOT, functions, load_template

RUNTIME_VENV = REPO_ROOT / ".venv-runtime"
COLD_START_BUDGET = 1.5  # times `import boto3`
# What the layers cost when shipped as source only, as SAM's python builder leaves them; a few
# functions stand for the rest, each run compiles everything it imports.
SOURCE_ONLY_SAMPLE = ("RenewalWorkerFunction", "OutboxRelayFunction", "AdminApiFunction")
# What no handler can go below, whatever its own code does: the libraries each one loads.
LIBRARIES = (
    "import boto3, httpx, pynamodb.models; from aws_lambda_powertools import Logger, Metrics"
)
# The admin and portal APIs route with Powertools' resolver and have it validate their input,
# which builds on pydantic: what those two cannot go below while they do. Without validation
# the resolver still loads the whole event_handler package (every resolver, every event class).
RESOLVER = (
    "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver; "
    "from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter; "
    "APIGatewayHttpResolver()"
)
VALIDATING_RESOLVER = (
    "from aws_lambda_powertools.event_handler import APIGatewayHttpResolver; "
    "from aws_lambda_powertools.event_handler.openapi.params import Query; "
    "APIGatewayHttpResolver(enable_validation=True)"
)
FLOORS = {
    "boto3, pynamodb, httpx, Powertools logger and metrics": LIBRARIES,
    "  the same and msgspec (our records and messages)": f"{LIBRARIES}; import msgspec",
    "  the same and pydantic (the APIs' request models)": f"{LIBRARIES}; import pydantic.main",
    "  the same and Powertools' resolver, not validating": (
        f"{LIBRARIES}; import msgspec; {RESOLVER}"
    ),
    "  the same and Powertools' resolver, validating (the APIs)": (
        f"{LIBRARIES}; {VALIDATING_RESOLVER}"
    ),
}


def runtime_python() -> str:
    """A venv with only the dependency layer's packages: what a Lambda container imports from.

    The dev venv also holds sam, awscrt, rich and click, which boto3 and httpx pick up at import
    and which would make every number here look worse than in AWS. pip compiles what it
    installs, as the layer's own build does (layers/dependencies/Makefile).
    """
    python = RUNTIME_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(RUNTIME_VENV)], check=True)
        requirements = REPO_ROOT / "layers" / "dependencies" / "requirements.txt"
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(requirements)], check=True
        )
    return str(python)


def _import_seconds(module_code: str, env: dict[str, str], *, isolated: bool = False) -> float:
    """CPU seconds one fresh interpreter spends on `module_code` (what a cold start pays).

    CPU time rather than wall time: on a shared machine other work stretches the wall clock but
    hardly the CPU an import needs. `isolated` drops site-packages, so only PYTHONPATH counts.
    """
    code = f"import time; t=time.process_time(); {module_code}; print(time.process_time()-t)"
    out = subprocess.run(
        [runtime_python(), *(["-S"] if isolated else []), "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
        env=env,
    )
    return float(out.stdout.strip().splitlines()[-1])


def _env(pythonpath: Path) -> dict[str, str]:
    return {
        "TABLE_NAME": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(pythonpath),
    }


def _handler_import(task_root: Path) -> str:
    """What the Lambda runtime does to load a handler: the function's code first on `sys.path`,
    then `importlib.import_module("app")`. Its code directory is read-only and ships no bytecode,
    so `app.py` compiles on every cold start; `task_root` is a fresh copy that has none either.

    Not `runpy.run_path`: it measured some handlers up to 25 ms slower than the runtime's import
    of the same file (it imports pkgutil before the handler's own imports, which slows some of
    them), and others no differently.
    """
    return (
        "import importlib, sys; sys.dont_write_bytecode = True; "
        f"sys.path.insert(0, {str(task_root)!r}); importlib.import_module('app')"
    )


def _task_roots(handlers: dict[str, str], into: Path) -> dict[str, Path]:
    """A copy of each handler file alone in its own directory, as /var/task holds it."""
    roots: dict[str, Path] = {}
    for name, path in handlers.items():
        roots[name] = into / name
        roots[name].mkdir()
        shutil.copyfile(path, roots[name] / "app.py")
    return roots


def import_costs(handlers: dict[str, str], rounds: int = 7) -> tuple[float, dict[str, float]]:
    """The fastest of `rounds` imports of boto3 and of each handler, taken in turn.

    Interleaving keeps a slow spell of the machine from landing on one function only; the
    minimum is the least disturbed run (disturbance only ever adds time). The domain layer is
    compiled first, as the layers ship compiled.
    """
    env = _env(REPO_ROOT / "shared")  # the domain layer, as /opt/python has it
    shared = str(REPO_ROOT / "shared" / "bc_subscriptions")
    subprocess.run([runtime_python(), "-m", "compileall", "-q", shared], check=True, env=env)
    base: list[float] = []
    costs: dict[str, list[float]] = {name: [] for name in handlers}
    with tempfile.TemporaryDirectory(prefix="task-roots-") as tmp:
        roots = _task_roots(handlers, Path(tmp))
        for _ in range(rounds):
            base.append(_import_seconds("import boto3", env))
            for name, root in roots.items():
                costs[name].append(_import_seconds(_handler_import(root), env))
    return min(base), {name: min(samples) for name, samples in costs.items()}


def floor_costs(rounds: int = 7) -> dict[str, float]:
    """The fastest of `rounds` imports of each library set in FLOORS."""
    env = _env(REPO_ROOT / "shared")
    costs: dict[str, list[float]] = {name: [] for name in FLOORS}
    for _ in range(rounds):
        for name, code in FLOORS.items():
            costs[name].append(_import_seconds(code, env))
    return {name: min(samples) for name, samples in costs.items()}


def source_only_costs(handlers: dict[str, str], rounds: int = 3) -> dict[str, float]:
    """Each handler's import from copies of both layers without any bytecode, none written."""
    site = next((RUNTIME_VENV / "lib").glob("python3.*/site-packages"))
    with tempfile.TemporaryDirectory(prefix="layers-source-only-") as tmp:
        layers = Path(tmp) / "python"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(site, layers, ignore=ignore)
        shutil.copytree(
            REPO_ROOT / "shared" / "bc_subscriptions", layers / "bc_subscriptions", ignore=ignore
        )
        env = {**_env(layers), "PYTHONDONTWRITEBYTECODE": "1"}
        roots = _task_roots(handlers, Path(tmp))
        costs: dict[str, list[float]] = {name: [] for name in handlers}
        for _ in range(rounds):
            for name, root in roots.items():
                costs[name].append(_import_seconds(_handler_import(root), env, isolated=True))
    return {name: min(samples) for name, samples in costs.items()}


def cold_start_rows() -> list[tuple[str, str]]:
    specs = functions(load_template())
    handlers = {fid: str(spec.handler_file()) for fid, spec in sorted(specs.items())}
    base, costs = import_costs(handlers)
    rows = [("import boto3 (baseline, CPU)", f"{base * 1000:.0f} ms")]
    for name, cost in floor_costs().items():
        rows.append((f"floor: {name}", f"{cost * 1000:.0f} ms = {cost / base:.2f}x boto3"))
    for fid, cost in costs.items():
        ratio = cost / base
        verdict = "within" if ratio <= COLD_START_BUDGET else "over"
        rows.append(
            (
                f"import {fid}",
                f"{cost * 1000:.0f} ms = {ratio:.2f}x boto3 ({verdict} {COLD_START_BUDGET}x)",
            )
        )
    sample = {fid: handlers[fid] for fid in SOURCE_ONLY_SAMPLE}
    for fid, cost in source_only_costs(sample).items():
        rows.append(
            (
                f"  {fid} from layers without bytecode",
                f"{cost * 1000:.0f} ms = {cost / base:.2f}x boto3, "
                f"{cost / costs[fid]:.2f}x the compiled layers (SAM's python builder ships these)",
            )
        )
    return rows
