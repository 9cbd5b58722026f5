"""Holds the whole test session to BigCommerce's contract (imported by `tests/conftest.py`).

After each test, an emulator answer that strays from the contract's response schemas, or a
call to an endpoint the contract does not have, fails that test. Requests the emulator refused
as BigCommerce would are listed at the end of the session: the test that sent one either
expected the refusal or fails on its own. A test that requests a `bc_contract_probe` fixture
goes off contract on purpose and asserts on the log itself.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.bc_emulator.contract import LOG, Exchange

_REFUSED: list[tuple[str, Exchange]] = []


@pytest.fixture(autouse=True)
def bc_contract_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test whose emulator traffic left the contract."""
    mark = len(LOG)
    yield
    exchanges = LOG.since(mark)
    if "bc_contract_probe" in request.fixturenames:
        return  # the test sends off-contract requests on purpose and checks the log itself
    _REFUSED.extend((request.node.nodeid, e) for e in exchanges if e.refused)
    strays = [e for e in exchanges if e.answer_problems or e.endpoint is None]
    if strays:
        lines = [
            f"{e.method} {e.path} -> {e.status}: {e.answer_problems or e.refused}" for e in strays
        ]
        pytest.fail("BigCommerce contract broken:\n" + "\n".join(lines), pytrace=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The requests BigCommerce would have refused, with the test that sent each."""
    if not _REFUSED:
        return
    terminalreporter.section("requests refused by the BigCommerce contract")
    for nodeid, e in _REFUSED:
        terminalreporter.write_line(f"{nodeid}: {e.method} {e.path} -> {e.status}: {e.refused}")
