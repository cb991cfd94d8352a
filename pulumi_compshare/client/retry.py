"""The single retry policy: bounded attempts, exponential backoff with full jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently transient failures are retried.

    ``max_attempts`` counts the first try. Before retry ``n`` (1-based) the client sleeps a random
    time in ``[delay/2, delay]`` where ``delay = min(max_delay, base_delay * 2**(n-1))``; a
    ``Retry-After`` header from the API raises that floor.
    """

    max_attempts: int = 6
    base_delay: float = 0.25
    max_delay: float = 8.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("RetryPolicy delays must not be negative")

    def delay(self, retry: int, rng: random.Random | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** max(0, retry - 1)))
        return (rng or random).uniform(ceiling / 2, ceiling)


NO_RETRY = RetryPolicy(max_attempts=1)
