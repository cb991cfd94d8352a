"""What this deployment holds: the objects (a member's relation, an image's share with one account)
that a resource of this stack created or adopted in this provider process.

The engine runs one provider process per deployment for every dynamic resource of the stack. A
resource renamed in the program without an alias is, to the engine, a new resource plus a deleted
one: it creates the new one (which adopts the existing relation or share) and *then* deletes the
old one (``step_generator.go``: deletes of resources the program no longer registers come after
its registrations), in the same process. Deleting would remove the very object the new resource
now holds, and the stack would record a member who is gone. A delete (or an update that stops
managing something) therefore leaves alone whatever another resource claimed in this process.

Another stack runs in another process: it cannot see these claims (the README says what happens).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable

__all__ = ["Claims", "claims"]


class Claims:
    """A thread-safe set of the objects created or adopted in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[Hashable] = set()

    def hold(self, objects: Iterable[Hashable]) -> None:
        """Record that a resource of this deployment created or adopted ``objects``."""
        with self._lock:
            self._held.update(objects)

    def held(self, objects: Iterable[Hashable]) -> set[Hashable]:
        """Those of ``objects`` that a resource of this deployment created or adopted."""
        with self._lock:
            return {o for o in objects if o in self._held}


claims = Claims()
"""The process-wide claims of all providers (one provider process per deployment)."""
