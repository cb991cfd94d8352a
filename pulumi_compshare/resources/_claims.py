"""What this deployment holds: the objects (a member's relation, an image's share with one account)
that a resource of this stack created, adopted or updated in this provider process, and which
resource holds each.

The engine runs one provider process per deployment for every dynamic resource of the stack. A
resource renamed in the program without an alias is, to the engine, a new resource plus a deleted
one: it creates the new one (which adopts the existing relation or share) and *then* deletes the
old one (``step_generator.go``: deletes of resources the program no longer registers come after
its registrations), in the same process. Deleting would remove the very object the new resource
now holds, and the stack would record a member who is gone. So a delete (or an update that stops
managing something) leaves alone whatever *another* resource holds in this process.

The provider does not see URNs, so each resource carries a random *holder* token in its state
(``__holder``, an internal key the engine never displays): the resource that deletes an
object it holds itself is not stopped; one whose object another holder took over is.

Another stack runs in another process: it cannot see these claims (the README says what happens).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Hashable, Iterable
from typing import Any

__all__ = ["HOLDER_DOC", "Claims", "claims", "holder_of"]

HOLDER_DOC = (
    "Set by the resource itself: a random token that tells this resource from another of the "
    "stack holding the same object (a rename). Kept as ``__holder``, an internal key."
)
"""The doc of each resource's ``_holder`` (an internal output: ``__holder`` in state)."""


def holder_of(token: str | None) -> str:
    """The holder token kept in state (the resource's ``_holder``), or a new one (a new
    resource, or state written before tokens existed)."""
    return token if isinstance(token, str) and token else uuid.uuid4().hex


class Claims:
    """Which holder last created, adopted or updated each object in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders: dict[Hashable, str] = {}

    def hold(self, objects: Iterable[Hashable], holder: str) -> None:
        """Record that the resource with ``holder`` created, adopted or updated ``objects``."""
        with self._lock:
            self._holders.update(dict.fromkeys(objects, holder))

    def taken_over(self, objects: Iterable[Hashable], holder: Any) -> set[Hashable]:
        """Those of ``objects`` that a resource other than ``holder`` (the token in the state
        of the resource about to remove them) holds in this process."""
        with self._lock:
            return {o for o in objects if self._holders.get(o, holder) != holder}


claims = Claims()
"""The process-wide claims of all providers (one provider process per deployment)."""
