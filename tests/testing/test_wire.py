"""Properties cross the offline engine's wire as the engine sends them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from pulumi_compshare.testing import wire


def test_to_struct_serializes_plain_values_without_an_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loops: list[Any] = []
    monkeypatch.setattr(wire, "run_coro", lambda coro: loops.append(coro))
    struct = wire.to_struct({"n": 3, "items": ["a", {"b": None}], "u": wire.UNKNOWN})
    assert loops == []
    # as the engine sends them: numbers as floats, None values gone
    assert wire.from_struct(struct) == {"n": 3.0, "items": ["a", {}], "u": wire.UNKNOWN}


def test_a_coroutine_that_waits_runs_afresh_on_a_loop() -> None:
    made: list[int] = []

    async def waits() -> str:
        made.append(1)
        await asyncio.sleep(0)
        return "done"

    assert wire._without_loop(waits) == "done"
    assert made == [1, 1]  # the first copy yielded; a fresh one ran on a loop


def test_a_coroutine_that_needs_the_running_loop_runs_on_one() -> None:
    async def needs_loop() -> bool:
        return asyncio.get_running_loop() is not None

    assert wire._without_loop(needs_loop) is True
