"""Work on many members of one team at once, for ``TeamMembers``: invites in batches of the API's
limit, each confirmed by a read; cancels and renames one call each (the API has no batch form of
either). All of it runs at the same time, at most :data:`CONCURRENCY` calls in flight: the
operations touch disjoint members, so a class list changing by dozens, or an up of hundreds,
waits for about three round trips (read, invite, confirm) instead of one per batch in turn.

Each piece of work keeps its own outcome; ``Invite.problems``, :func:`removal_problems` and
:func:`rename_problems` say what failed, one clause each (``"could not remove accounts ..."``),
so that the resource reports everything that failed in one line and keeps everything that
succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from typing import TYPE_CHECKING

from ..api import wire
from ..client.retcodes import error_for_retcode
from ..errors import (
    APIError,
    CompShareAPIError,
    MalformedResponseError,
    NotFoundError,
    ResourceError,
    about,
    accounts,
)
from ._cache import reads
from ._writes import write_and_confirm

if TYPE_CHECKING:  # the client and the API models load with the first API call
    from ..api.models import InviteFailure, Relation
    from ..client import CompShareClient

__all__ = [
    "ACTIVE",
    "CONCURRENCY",
    "INVITE",
    "RELATION",
    "Cancel",
    "Invite",
    "Rename",
    "concurrently",
    "ids",
    "removal_problems",
    "rename_problems",
]

ACTIVE = wire.ACTIVE_STATUSES
INVITE = "CreateCompShareTeamRelation"
RELATION = "SetCompShareTeamRelation"

CONCURRENCY = 8
"""At most this many calls of one operation in flight at once (invite batches with their
confirming reads, cancels, renames)."""


def concurrently(work: Sequence[Callable[[], None]]) -> None:
    """Run each of ``work`` (each keeps its own outcome), at most :data:`CONCURRENCY` at once,
    started in the order given. Each runs in a copy of the caller's context, so what it tells
    the user reaches the caller's sink (``_provider.say``)."""
    if len(work) <= 1:
        for one in work:
            one()
        return
    context = copy_context()
    with ThreadPoolExecutor(min(CONCURRENCY, len(work)), "compshare-members") as pool:
        for future in [pool.submit(context.copy().run, one) for one in work]:
            future.result()


def ids(users: Iterable[int]) -> str:
    """``account 50002`` or ``accounts 50002, 50003 and 4 more`` (up to ten named)."""
    return accounts(users, 10)


class Invite:
    """One CreateCompShareTeamRelation of ``batch`` (at most the API's limit), confirmed by one
    read of the team that started after it. A lost answer is resolved by that read; the invites
    it does not show are sent again, which is safe: the API refuses an invite of an account
    already invited (16001), and the read after it finds the relation. Once called,
    :attr:`made` holds the relations it made and :attr:`problems` what failed."""

    def __init__(
        self, client: CompShareClient, team_id: int, batch: list[int], remarks: dict[str, str]
    ) -> None:
        self.client, self.team_id, self.batch, self.remarks = client, team_id, batch, remarks
        self.made: dict[int, Relation] = {}
        self.problems: list[str] = []

    def __call__(self) -> None:
        try:
            self.made = self._send()
        except ResourceError as exc:
            self.problems = [str(exc)]
        except APIError as exc:
            self.problems = [f"could not invite {ids(self.batch)}: {exc.describe()}"]

    def _send(self) -> dict[int, Relation]:
        from ..api.models import InviteUser

        client, team_id, batch = self.client, self.team_id, self.batch
        pending = list(batch)
        seen: dict[int, Relation] = {}

        def send() -> dict[int, InviteFailure]:
            users = [
                InviteUser(user_company_id=u, remark_name=self.remarks.get(str(u))) for u in pending
            ]
            return client.create_team_relations(team_id, users)

        def confirm(
            answered: bool, failures: dict[int, InviteFailure] | None
        ) -> dict[int, Relation] | None:
            info = reads.team_info(client, team_id, fresh_after=reads.last_write())
            rows = {r.user_company_id: r for r in (info.relations if info is not None else [])}
            for user in list(pending):
                row = rows.get(user)
                if row is not None and row.status in ACTIVE:
                    seen[user] = row
                    pending.remove(user)
            if not pending:
                return seen
            if not answered:
                return None  # not seen: sent again (a repeated invite is refused, not doubled)
            reasons = []
            for user in pending:
                failure = (failures or {}).get(user)
                if failure is not None:
                    error = error_for_retcode(
                        INVITE, failure.code, about(f"account {user}", failure.message)
                    )
                    reasons.append(f"{user}: {error.message} (code {failure.code})")
                else:
                    status = rows[user].status if user in rows else "absent"
                    reasons.append(f"{user}: the invite succeeded but its relation is {status}")
            done = len(batch) - len(pending)
            raise ResourceError(
                f"could not invite {ids(pending)} ({INVITE}): {'; '.join(reasons[:5])}; "
                f"{done} other account{'s' if done != 1 else ''} of the batch "
                f"{'were' if done != 1 else 'was'} invited; fix or drop the accounts named and "
                "run the command again"
            )

        return write_and_confirm(send, confirm, refused_when_repeated=True)


class Cancel:
    """One SetCompShareTeamRelation Cancel of ``row``'s member. Once called, :attr:`error` is
    what failed, or ``None`` (also when the member was canceled meanwhile, or by our own retried
    request)."""

    def __init__(self, client: CompShareClient, row: Relation) -> None:
        self.client, self.row = client, row
        self.error: APIError | None = None

    def __call__(self) -> None:
        try:
            self.client.set_team_relation(self.row.team_id, "Cancel", self.row.user_company_id)
        except NotFoundError:
            pass
        except APIError as exc:
            self.error = exc


class Rename:
    """One SetCompShareTeamRelation UpdateRemarkName. Once called, :attr:`error` is what failed,
    or ``None``."""

    def __init__(self, client: CompShareClient, team_id: int, user: int, name: str) -> None:
        self.client, self.team_id, self.user, self.name = client, team_id, user, name
        self.error: APIError | None = None

    def __call__(self) -> None:
        try:
            self.client.set_team_relation(self.team_id, "UpdateRemarkName", self.user, self.name)
        except APIError as exc:
            self.error = exc


def removal_problems(team_id: int, cancels: Sequence[Cancel]) -> list[str]:
    """What failed among ``cancels``, one clause per kind: joined members the API refuses to
    remove (the cancel-pending-only reading), and other failures."""
    refused: list[tuple[Relation, CompShareAPIError]] = []
    failed: list[tuple[Relation, APIError]] = []
    for cancel in cancels:
        error = cancel.error
        if (
            isinstance(error, CompShareAPIError)
            and not isinstance(error, MalformedResponseError)
            and cancel.row.status == "Joined"
        ):
            refused.append((cancel.row, error))
        elif error is not None:
            failed.append((cancel.row, error))
    problems: list[str] = []
    if refused:
        problems.append(
            f"{ids([r.user_company_id for r, _ in refused])} joined team {team_id} and the API "
            f"refused to remove them ({RELATION} Cancel: {refused[0][1].message}); remove them "
            "in the CompShare console and run the command again, or list them in "
            "user_company_ids (for a delete: retain_on_delete=True leaves the members)"
        )
    if failed:
        first = failed[0][1]
        problems.append(
            f"could not remove {ids([r.user_company_id for r, _ in failed])} from team "
            f"{team_id}: {first.describe(first.hint_for(True))}"
        )
    return problems


def rename_problems(team_id: int, renames: Sequence[Rename]) -> list[str]:
    """What failed among ``renames``, in one clause."""
    failed = [(r.user, r.error) for r in renames if r.error is not None]
    if not failed:
        return []
    first = failed[0][1]
    return [
        f"could not rename {ids([u for u, _ in failed])} in team {team_id}: "
        f"{first.describe(first.hint_for(True))}"
    ]
