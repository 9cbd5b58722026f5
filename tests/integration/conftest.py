"""Integration tests: the whole topology in-process on moto and the BigCommerce emulator."""

from collections.abc import Iterator

import pytest

from devstack.stack import LocalStack

from .world import World


@pytest.fixture
def stack() -> Iterator[LocalStack]:
    with LocalStack() as local:
        yield local


@pytest.fixture
def world(stack: LocalStack) -> World:
    return World.create(stack)
