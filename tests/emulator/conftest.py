"""The emulator tests' fixture: the demo emulator, checked for internal errors after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pulumi_compshare.emulator import Emulator


@pytest.fixture
def em(compshare_emulator: Emulator) -> Iterator[Emulator]:
    """The demo emulator; every test also checks that no internal error happened."""
    yield compshare_emulator
    assert compshare_emulator.stats()["internal_errors"] == 0
