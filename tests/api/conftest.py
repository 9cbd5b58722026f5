"""API tests: the admin and portal handlers called with API Gateway events, on the in-memory
container and the BigCommerce emulator's in-process transport (no moto, no topology)."""

from collections.abc import Iterator

import pytest

from bc_subscriptions import bootstrap

from .container import MemoryContainer
from .world import ApiStack, ApiWorld


@pytest.fixture
def stack() -> Iterator[ApiStack]:
    local = ApiStack()
    bootstrap.use(MemoryContainer(local))
    try:
        yield local
    finally:
        bootstrap.use(None)


@pytest.fixture
def world(stack: ApiStack) -> ApiWorld:
    return ApiWorld.create(stack)
