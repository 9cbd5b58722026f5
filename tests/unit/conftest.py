"""Unit tests run with sockets disabled: the domain never does I/O."""

import pytest
from pytest_socket import disable_socket


@pytest.fixture(autouse=True)
def _no_network() -> None:
    disable_socket()
