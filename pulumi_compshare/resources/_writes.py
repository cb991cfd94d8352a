"""Non-idempotent writes (team creation, an invite, a budget grant): never sent twice."""

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
    *,
    refused_when_repeated: bool = False,
) -> R:
    """Send a non-idempotent write (team creation, an invite, a budget grant) that is never sent
    twice.

    After each send, ``confirm(answered, answer)`` reads the live state and returns the result if
    the write landed, else ``None``; it must raise when an answered write did not land. Only a
    write that *surely* did not land (the API refused it as throttled: :class:`ThrottledError`)
    is sent again, at most ``attempts`` times.

    A write whose answer was lost (:class:`OutcomeUnknownError`: a timeout, a dropped connection)
    is never sent again in this operation, even when the confirming read does not show it: a read
    that does not show a write is no proof the write did not happen (a request held by the
    network may land after the read, and a read may lag behind a write). The error is raised
    instead, and the next operation reconciles from what is live (a team by its marker, a budget
    from ``AllocateAmount``).

    ``refused_when_repeated``: the API itself refuses the write once it has landed (an invite of
    an account already invited: 16001 "用户已在团队中"), so sending it again can never apply it
    twice; then a lost answer that the read does not show is sent again too.
    """
    for attempt in range(1, attempts + 1):
        answer: T | None = None
        failure: APIError | None = None
        try:
            answer = send()
        except (OutcomeUnknownError, ThrottledError) as exc:
            failure = exc
        result = confirm(failure is None, answer)
        if result is not None:
            return result
        if failure is None:
            raise RuntimeError("confirm() must raise when an answered write did not land")
        if attempt == attempts or (
            isinstance(failure, OutcomeUnknownError) and not refused_when_repeated
        ):
            raise failure
        time.sleep(_backoff.delay(attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")
