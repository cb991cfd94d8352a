"""Non-idempotent writes (team creation, an invite, a budget grant): never re-sent blindly."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from ..client.retry import RetryPolicy
from ..errors import APIError, OutcomeUnknownError, ThrottledError

__all__ = ["NON_IDEMPOTENT_ATTEMPTS", "write_and_confirm"]

T = TypeVar("T")
R = TypeVar("R")

NON_IDEMPOTENT_ATTEMPTS = 3
_backoff = RetryPolicy()


def write_and_confirm(
    send: Callable[[], T],
    confirm: Callable[[bool, T | None], R | None],
    attempts: int = NON_IDEMPOTENT_ATTEMPTS,
) -> R:
    """Send a non-idempotent write (team creation, an invite) without ever re-sending it blindly.

    After each send, ``confirm(answered, answer)`` reads the live state and returns the result if
    the write landed, else ``None``. ``answered`` is False when the answer was lost or the call
    was throttled; ``confirm`` must raise when an answered write did not land. Only a write that
    surely did not land is sent again, at most ``attempts`` times.
    """
    failure: APIError | None = None
    for attempt in range(1, attempts + 1):
        answer: T | None = None
        try:
            answer = send()
            failure = None
        except (OutcomeUnknownError, ThrottledError) as exc:
            failure = exc
        result = confirm(failure is None, answer)
        if result is not None:
            return result
        if failure is None:
            raise RuntimeError("confirm() must raise when an answered write did not land")
        if attempt < attempts:
            time.sleep(_backoff.delay(attempt))
    assert failure is not None
    raise failure
