"""Pytest fixtures that run the CompShare emulator.

Enable them with ``pytest_plugins = ["pulumi_compshare.testing.fixtures"]`` in a ``conftest.py``.

- ``compshare_emulator``: a started :class:`~pulumi_compshare.emulator.Emulator` with the demo
  seed, fresh for every test.
- ``compshare_emulator_factory``: a callable taking :class:`Emulator` keyword arguments and
  returning a started emulator; every emulator it made is stopped at teardown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

import pytest

from pulumi_compshare.emulator import Emulator

__all__ = ["EmulatorFactory", "compshare_emulator", "compshare_emulator_factory"]


class EmulatorFactory(Protocol):
    """Makes a started emulator from :class:`Emulator` keyword arguments."""

    def __call__(self, **kwargs: Any) -> Emulator: ...


@pytest.fixture
def compshare_emulator() -> Iterator[Emulator]:
    """A started emulator with the demo seed, stopped after the test."""
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def compshare_emulator_factory() -> Iterator[EmulatorFactory]:
    """A factory of started emulators (``factory(fault_rate=0.2, random_seed=1)``)."""
    made: list[Emulator] = []

    def factory(**kwargs: Any) -> Emulator:
        emulator = Emulator(**kwargs).start()
        made.append(emulator)
        return emulator

    yield factory
    for emulator in made:
        emulator.stop()
