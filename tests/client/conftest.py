"""Fixtures of the client tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .local_api import LocalAPI, serving


@pytest.fixture
def server() -> Iterator[LocalAPI]:
    """A local HTTP server playing the API (:mod:`tests.client.local_api`)."""
    with serving() as srv:
        yield srv
