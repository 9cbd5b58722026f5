"""The layers ship compiled: /opt is read-only in Lambda, so source-only layers recompile on
every cold start (several hundred milliseconds per function; `make bench` shows the figure)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devstack.template import REPO_ROOT, load_template, resources

UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, never checked against the source


def _layers() -> dict[str, dict[str, Any]]:
    return resources(load_template(), "AWS::Serverless::LayerVersion")


@pytest.mark.parametrize("logical_id", sorted(_layers()))
def test_every_layer_is_built_by_its_own_makefile_target(logical_id: str) -> None:
    layer = _layers()[logical_id]
    # Given the layer's build settings
    metadata = layer["Metadata"]
    content = REPO_ROOT / layer["Properties"]["ContentUri"]
    # Then sam build runs the target of that name from the Makefile in its content folder
    assert metadata["BuildMethod"] == "makefile"
    assert metadata["BuildArchitecture"] == "arm64"
    makefile = (content / "Makefile").read_text()
    assert f"build-{logical_id}:" in makefile
    assert "--invalidation-mode unchecked-hash" in makefile


def test_the_domain_layer_ships_a_bytecode_file_for_every_module(tmp_path: Path) -> None:
    # When the domain layer is built the way sam build builds it
    env = {**os.environ, "ARTIFACTS_DIR": str(tmp_path), "PYTHON": sys.executable}
    make = shutil.which("make") or "/usr/bin/make"
    subprocess.run(  # noqa: S603 - our own Makefile, run as sam build runs it
        [make, "--makefile", str(REPO_ROOT / "shared" / "Makefile"), "build-DomainLayer"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    # Then every module sits beside an unchecked hash-based pyc for this interpreter
    sources = sorted((tmp_path / "python").rglob("*.py"))
    assert len(sources) > 100
    assert (tmp_path / "python" / "bc_subscriptions" / "domain" / "subscription.py") in sources
    for source in sources:
        cached = Path(importlib.util.cache_from_source(str(source)))
        header = cached.read_bytes()[:8]
        assert header[:4] == importlib.util.MAGIC_NUMBER, source
        assert int.from_bytes(header[4:8], "little") == UNCHECKED_HASH, source
    # And nothing of this checkout's own bytecode caches came along
    stale = [p for p in (tmp_path / "python").rglob("*.pyc") if "cpython-311" not in p.name]
    assert stale == []
