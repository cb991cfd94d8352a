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
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult

from ..errors import ResourceError
from ._fields import is_unknown, positive_id

__all__ = [
    "HOLDER_DOC",
    "Claims",
    "Managers",
    "claims",
    "declare_manager",
    "holder_of",
    "managed_once",
    "managed_twice",
    "managers",
    "members_key",
]

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


# ------------------------------------------------------------------ who manages a team's members


class Managers:
    """Which resources of this program manage members of each team, in this provider process.

    A ``TeamMembers`` owns its team's member list: it cancels every member it does not list.
    Beside it, a ``TeamMembership`` of the same team (or a second ``TeamMembers``) would be
    undone by it on every ``pulumi up``, and would undo it. The engine checks every resource
    the program registers, in one provider process per deployment (a refresh and a destroy
    check none), so the second declaration fails its Check, in the preview, before anything is
    sent. Keyed by endpoint and team; a resource is known by its kind and name in the program.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._teams: dict[Hashable, dict[str, tuple[bool, str]]] = {}

    def declare(
        self, team: Hashable, resource: str, *, owns: bool, what: str = ""
    ) -> list[tuple[str, str]]:
        """Record that ``resource`` (``'TeamMembers "cv-101"'``) manages members of ``team``
        (``owns``: the whole list); returns the others it conflicts with, as (resource, what)."""
        with self._lock:
            declared = self._teams.setdefault(team, {})
            declared[resource] = (owns, what)
            return self._conflicts(declared, resource)

    def conflicts(self, team: Hashable, resource: str) -> list[tuple[str, str]]:
        """The declarations of ``team`` that conflict with ``resource``'s."""
        with self._lock:
            return self._conflicts(self._teams.get(team, {}), resource)

    @staticmethod
    def _conflicts(declared: dict[str, tuple[bool, str]], resource: str) -> list[tuple[str, str]]:
        if resource not in declared:
            return []
        owns = declared[resource][0]
        return sorted(
            (other, what)
            for other, (other_owns, what) in declared.items()
            if other != resource and (owns or other_owns)
        )

    def clear(self) -> None:
        """Forget every declaration (a test checking many programs in one process)."""
        with self._lock:
            self._teams.clear()


managers = Managers()
"""The process-wide declarations of who manages each team's members."""


def members_key(base_url: str, team_id: int) -> tuple[str, str, int]:
    """A team's member list as :data:`managers` knows it."""
    return ("members", base_url, team_id)


def managed_twice(resource: str, others: list[tuple[str, str]]) -> str:
    """What is wrong when ``resource`` and ``others`` manage members of one team, to follow
    "its members" or "the members of team N" (one line)."""
    shown = ", ".join(f"{other}{f' ({what})' if what else ''}" for other, what in others[:3])
    more = f" and {len(others) - 3} more" if len(others) > 3 else ""
    return (
        f"are managed by {resource} and by {shown}{more}: a "
        "TeamMembers cancels every member it does not list, so each pulumi up would undo the "
        "other; manage this team's members with one TeamMembers (list every member in it) or "
        "with TeamMembership resources only"
    )


def declare_manager(
    result: CheckResult, kind: str, base_url_of: Callable[[str | None], str], *, owns: bool
) -> CheckResult:
    """A resource's Check: record that it manages members of its team (``owns``: the whole
    list, a TeamMembers), and fail on ``team_id`` if another resource of this program conflicts.
    Nothing for inputs that failed their check or are not known yet. Never raises."""
    inputs = result.inputs
    if result.failures:
        return result
    try:
        name, team, profile = (inputs.get(k) for k in ("__resource_name", "team_id", "profile"))
        user = inputs.get("user_company_id")
        if not isinstance(name, str) or any(is_unknown(v) for v in (name, team, profile, user)):
            return result
        team_id = positive_id(team)
        base_url = base_url_of(profile if isinstance(profile, str) else None)
        what = f"account {positive_id(user)}" if user is not None else ""
        resource = f'{kind} "{name}"'
        others = managers.declare(members_key(base_url, team_id), resource, owns=owns, what=what)
    except Exception:  # check must never raise; the operations check again
        return result
    if others:
        named = f"{resource} ({what})" if what else resource
        line = f"team_id {team_id}: its members {managed_twice(named, others)}"
        result.failures.append(CheckFailure("team_id", line))
    return result


def managed_once(ident: str, kind: str, name: str | None, base_url: str, team_id: int) -> None:
    """Fail before anything is sent if another resource of this program conflicts with this
    one over the team's members (its Check may come after this one's, e.g. with
    ``--skip-preview``)."""
    if not name:
        return
    resource = f'{kind} "{name}"'
    others = managers.conflicts(members_key(base_url, team_id), resource)
    if others:
        line = f"the members of team {team_id} {managed_twice(resource, others)}"
        raise ResourceError(f"{kind} {ident}: {line}")
