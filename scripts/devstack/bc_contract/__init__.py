"""BigCommerce's published contract as data: derived from its OpenAPI files, committed as JSON.

`python -m devstack.bc_contract --docs PATH` regenerates `contract.json` from a checkout of
BigCommerce's docs; the emulator and the contract test read only the committed file.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

CONTRACT_FILE = Path(__file__).with_name("contract.json")


@cache
def load_contract() -> dict[str, Any]:
    """The committed contract (read once per process)."""
    with CONTRACT_FILE.open(encoding="utf-8") as handle:
        contract: dict[str, Any] = json.load(handle)
    return contract
