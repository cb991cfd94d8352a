"""The faults the emulator can inject: at random (``fault_rate``) or aimed at the Nth call of
one action (:class:`Fault`, set by :meth:`~.server.Emulator.fail` and
:meth:`~.server.Emulator.on_call`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pulumi_compshare.api import codes

__all__ = ["FAULT_KINDS", "READ_FAULT_KINDS", "TARGETED_FAULT_KINDS", "Fault"]

FAULT_KINDS = (
    "http_503",
    "retcode_150",
    "retcode_153",
    "drop_connection",
    "applied_response_lost",
)
"""Injected faults; ``applied_response_lost`` is only chosen for write actions."""

READ_FAULT_KINDS = FAULT_KINDS[:4]
"""The random faults a read can meet (its answer cannot be lost after it was applied)."""

TARGETED_FAULT_KINDS = (
    "http_503",
    "retcode",
    "drop_connection",
    "applied_response_lost",
    "delay",
    "call",
)
"""Faults :meth:`Emulator.fail` can aim at the Nth call of one action: an HTTP 503, an error
envelope with a chosen RetCode, a dropped connection (nothing applied), the call applied with its
answer lost, a delay before the call is processed, or (``call``, via :meth:`Emulator.on_call`)
something run just before the call is processed, as another person acting at that moment."""


@dataclass
class Fault:
    """A fault aimed at calls ``nth`` .. ``nth + times - 1`` of ``action`` (counted from when it
    was set). ``hits`` counts the calls it struck."""

    action: str
    kind: str
    nth: int = 1
    times: int = 1
    retcode: int = codes.SERVICE_UNAVAILABLE
    message: str = "Service unavailable (injected)"
    delay_ms: float = 0.0
    run: Callable[[], object] | None = None
    seen: int = 0
    hits: int = 0

    def _strikes(self) -> bool:
        """Count one call of the action; True if this call is one the fault aims at."""
        self.seen += 1
        if self.nth <= self.seen < self.nth + self.times:
            self.hits += 1
            return True
        return False
