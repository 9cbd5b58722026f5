"""Service tests: the real services on the in-memory unit of work and the BigCommerce emulator
(its in-process transport), without moto, queues or the API topology."""

import pytest

from .world import MemoryWorld


@pytest.fixture
def world() -> MemoryWorld:
    return MemoryWorld.create()
